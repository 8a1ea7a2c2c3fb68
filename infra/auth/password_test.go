package auth

import (
	"errors"
	"strings"
	"testing"
)

var fast = Hasher{Params: FastParamsForTests}

func TestHashAndCheck(t *testing.T) {
	for _, plain := range []string{"correct horse", "Пароль-на-русском", " spaces at ends "} {
		hash, err := fast.Hash(plain)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=64,t=1,p=1$") {
			t.Errorf("hash %q: not an argon2id PHC string with the fast params", hash)
		}
		if strings.Contains(hash, plain) {
			t.Errorf("hash %q contains the password", hash)
		}
		ok, err := fast.Check(plain, hash)
		if err != nil || !ok {
			t.Errorf("Check(%q) = %v, %v; want true, nil", plain, ok, err)
		}
		ok, err = fast.Check(plain+"x", hash)
		if err != nil || ok {
			t.Errorf("Check(wrong) = %v, %v; want false, nil", ok, err)
		}
	}
}

func TestHashIsSalted(t *testing.T) {
	a, _ := fast.Hash("same password")
	b, _ := fast.Hash("same password")
	if a == b {
		t.Fatal("two hashes of one password are equal: no random salt")
	}
}

// A hash keeps the params it was made with, so raising the cost later leaves
// existing accounts able to sign in.
func TestCheckUsesTheHashsParams(t *testing.T) {
	old := Hasher{Params: Params{MemoryKiB: 32, Iterations: 2, Parallelism: 2, SaltLength: 16, KeyLength: 16}}
	hash, err := old.Hash("an older password")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := fast.Check("an older password", hash); err != nil || !ok {
		t.Fatalf("Check with other params = %v, %v; want true, nil", ok, err)
	}
}

func TestDefaultParams(t *testing.T) {
	if err := DefaultParams.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := (Hasher{}).params(); got != DefaultParams {
		t.Fatalf("zero Hasher uses %+v, want DefaultParams", got)
	}
	// One real hash at production cost, to show the package-level functions
	// use it; every other test uses the fast params.
	hash, err := HashPassword("production cost")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("HashPassword = %q, want m=19456,t=2,p=1", hash)
	}
	if ok, err := CheckPassword("production cost", hash); err != nil || !ok {
		t.Fatalf("CheckPassword = %v, %v; want true, nil", ok, err)
	}
}

func TestMalformedHash(t *testing.T) {
	valid, _ := fast.Hash("password")
	for name, hash := range map[string]string{
		"empty":        "",
		"not phc":      "5f4dcc3b5aa765d61d8327deb882cf99",
		"argon2i":      strings.Replace(valid, "argon2id", "argon2i", 1),
		"bad version":  strings.Replace(valid, "v=19", "v=16", 1),
		"bad salt":     strings.Replace(valid, "$argon2id$v=19$m=64,t=1,p=1$", "$argon2id$v=19$m=64,t=1,p=1$!!", 1),
		"huge memory":  "$argon2id$v=19$m=4194304,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		"huge time":    "$argon2id$v=19$m=64,t=1000,p=1$c29tZXNhbHRzb21lc2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		"no key":       "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$",
		"zero threads": "$argon2id$v=19$m=64,t=1,p=0$c29tZXNhbHRzb21lc2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	} {
		ok, err := fast.Check("password", hash)
		if ok || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("%s: Check = %v, %v; want false, ErrMalformedHash", name, ok, err)
		}
	}
}

func TestParamsValidate(t *testing.T) {
	for name, p := range map[string]Params{
		"no memory":    {MemoryKiB: 0, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32},
		"too little":   {MemoryKiB: 15, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32},
		"no passes":    {MemoryKiB: 64, Iterations: 0, Parallelism: 1, SaltLength: 16, KeyLength: 32},
		"no lanes":     {MemoryKiB: 64, Iterations: 1, Parallelism: 0, SaltLength: 16, KeyLength: 32},
		"short salt":   {MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 8, KeyLength: 32},
		"short key":    {MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 8},
		"over the cap": {MemoryKiB: 1 << 30, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32},
	} {
		if p.Validate() == nil {
			t.Errorf("%s: Validate accepted %+v", name, p)
		}
		if _, err := (Hasher{Params: p}).Hash("password"); err == nil {
			t.Errorf("%s: Hash accepted %+v", name, p)
		}
	}
}
