package auth

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestKeyGeneratedOnceAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // not there yet: created
	first, err := LoadOrCreateKey(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 32 || bytes.Equal(first, make([]byte, 32)) {
		t.Fatalf("generated key %x: want 32 random bytes", first)
	}
	path := filepath.Join(dir, KeyFileName)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Fatalf("key file mode %o, want 600", mode)
	}
	data, _ := os.ReadFile(path)
	if string(data) != hex.EncodeToString(first)+"\n" {
		t.Fatalf("key file holds %q, want the key in hex", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("data folder holds %d entries, want only %s (temp file left behind?)", len(entries), KeyFileName)
	}

	again, err := LoadOrCreateKey(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Fatal("restart produced a new key: every token would be signed out")
	}
}

func TestKeyFileReadable(t *testing.T) {
	dir := t.TempDir()
	want := bytes.Repeat([]byte{0xab}, 48) // longer than generated keys is fine
	writeKeyFile(t, dir, "  "+strings.ToUpper(hex.EncodeToString(want))+"\r\n")
	got, err := LoadOrCreateKey(dir, "")
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("LoadOrCreateKey = %x, %v; want %x", got, err, want)
	}
}

func TestSecretWins(t *testing.T) {
	dir := t.TempDir()
	secret := "a secret of at least thirty-two bytes"
	got, err := LoadOrCreateKey(dir, secret)
	if err != nil || string(got) != secret {
		t.Fatalf("LoadOrCreateKey = %q, %v; want the secret", got, err)
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !os.IsNotExist(err) {
		t.Fatalf("a key file was written although the secret was set (stat: %v)", err)
	}

	// With a key file present, the secret still decides.
	if _, err := LoadOrCreateKey(dir, ""); err != nil {
		t.Fatal(err)
	}
	got, err = LoadOrCreateKey(dir, secret)
	if err != nil || string(got) != secret {
		t.Fatalf("with a key file: LoadOrCreateKey = %q, %v; want the secret", got, err)
	}
	// No data folder is needed at all.
	if got, err := LoadOrCreateKey("", secret); err != nil || string(got) != secret {
		t.Fatalf("without data dir: LoadOrCreateKey = %q, %v; want the secret", got, err)
	}
}

func TestShortSecretRejected(t *testing.T) {
	_, err := LoadOrCreateKey(t.TempDir(), strings.Repeat("s", 31))
	if err == nil || !strings.Contains(err.Error(), "CHANCE_JWT_SECRET") {
		t.Fatalf("31-byte secret: err = %v, want one naming CHANCE_JWT_SECRET", err)
	}
	t.Log(err)
}

func TestCorruptKeyFileRejected(t *testing.T) {
	for name, content := range map[string]string{
		"empty":       "",
		"not hex":     "this is not a key at all, but it is long enough....................",
		"odd digits":  strings.Repeat("a", 65),
		"too short":   strings.Repeat("ab", 31),
		"raw bytes":   string(bytes.Repeat([]byte{0xff, 0x00}, 16)),
		"two lines":   strings.Repeat("ab", 32) + "\n" + strings.Repeat("cd", 32),
		"quoted":      `"` + strings.Repeat("ab", 32) + `"`,
		"with prefix": "0x" + strings.Repeat("ab", 32),
	} {
		dir := t.TempDir()
		writeKeyFile(t, dir, content)
		key, err := LoadOrCreateKey(dir, "")
		if err == nil {
			t.Errorf("%s: accepted as key %x", name, key)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "corrupt") || !strings.Contains(msg, KeyFileName) {
			t.Errorf("%s: error %q does not say which file is corrupt", name, msg)
		}
		// The file is left for a person to look at, never replaced.
		if data, _ := os.ReadFile(filepath.Join(dir, KeyFileName)); string(data) != content {
			t.Errorf("%s: the corrupt file was changed", name)
		}
	}
}

func TestNoSecretNoDataDir(t *testing.T) {
	if _, err := LoadOrCreateKey("", ""); err == nil {
		t.Fatal("no secret and no data dir: want an error")
	}
}

// Processes starting together on one data folder must agree on one key.
func TestKeyCreatedOnceUnderRace(t *testing.T) {
	dir := t.TempDir()
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, err := LoadOrCreateKey(dir, "")
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for i, k := range keys {
		if !bytes.Equal(k, keys[0]) {
			t.Fatalf("caller %d got key %x, caller 0 got %x", i, k, keys[0])
		}
	}
}

func writeKeyFile(t *testing.T, dir, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, KeyFileName), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
