package auth

import (
	"errors"
	"fmt"

	"github.com/alexedwards/argon2id"
)

// Hashing uses github.com/alexedwards/argon2id, a small maintained wrapper over
// golang.org/x/crypto/argon2 that fixes the variant, draws the salt from
// crypto/rand, writes the standard PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$key)
// and compares in constant time: none of that is ours to get wrong.

// Params are the argon2id cost settings. A hash records the params it was made
// with, so changing them later leaves existing hashes checkable.
type Params struct {
	MemoryKiB   uint32 // memory per hash, in KiB
	Iterations  uint32 // passes over the memory
	Parallelism uint8  // lanes; part of the hash, so changing it changes the output
	SaltLength  uint32 // bytes
	KeyLength   uint32 // bytes
}

// DefaultParams is the OWASP Password Storage Cheat Sheet's minimum for argon2id
// (m=19 MiB, t=2, p=1). The library's own default (64 MiB, p=NumCPU) is heavier
// than a small shop server needs per sign-in.
var DefaultParams = Params{MemoryKiB: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// FastParamsForTests makes a hash in well under a millisecond so that tests under
// -race stay quick.
//
// WARNING: test use only. A hash this cheap is brute-forced offline in no time.
var FastParamsForTests = Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Limits on the params read back from a stored hash. The hash decides how much
// memory checking it takes, so a corrupt or planted row must not make a sign-in
// allocate gigabytes.
const (
	maxMemoryKiB   = 256 * 1024
	maxIterations  = 16
	maxParallelism = 16
)

// ErrMalformedHash means a stored hash could not be read, or asks for more work
// than this package agrees to do. It is a server-side problem, not a wrong password.
var ErrMalformedHash = errors.New("malformed password hash")

// Validate reports params that argon2 would reject or that are too weak to
// store a password with.
func (p Params) Validate() error {
	errs := []error{p.checkCost()}
	if p.SaltLength < 16 {
		errs = append(errs, fmt.Errorf("salt length %d is under 16 bytes", p.SaltLength))
	}
	if p.KeyLength < 16 {
		errs = append(errs, fmt.Errorf("key length %d is under 16 bytes", p.KeyLength))
	}
	return errors.Join(errs...)
}

// checkCost reports a cost argon2 would reject or this package refuses to pay.
func (p Params) checkCost() error {
	var errs []error
	if p.Parallelism < 1 || p.Parallelism > maxParallelism {
		errs = append(errs, fmt.Errorf("parallelism %d is outside 1..%d", p.Parallelism, maxParallelism))
	}
	if p.Iterations < 1 || p.Iterations > maxIterations {
		errs = append(errs, fmt.Errorf("iterations %d is outside 1..%d", p.Iterations, maxIterations))
	}
	// argon2 needs at least 8 KiB per lane.
	if p.MemoryKiB < 8*uint32(p.Parallelism) || p.MemoryKiB > maxMemoryKiB {
		errs = append(errs, fmt.Errorf("memory %d KiB is outside %d..%d KiB", p.MemoryKiB, 8*uint32(p.Parallelism), maxMemoryKiB))
	}
	return errors.Join(errs...)
}

// Hasher hashes and checks passwords with its Params. The zero Hasher uses
// DefaultParams; tests use Hasher{Params: FastParamsForTests}.
type Hasher struct {
	Params Params
}

func (h Hasher) params() Params {
	if h.Params == (Params{}) {
		return DefaultParams
	}
	return h.Params
}

// Hash returns the PHC string of plain with a fresh random salt. It does not
// apply the password policy: that is the caller's decision at registration.
func (h Hasher) Hash(plain string) (string, error) {
	p := h.params()
	if err := p.Validate(); err != nil {
		return "", fmt.Errorf("hash password: bad params: %w", err)
	}
	hash, err := argon2id.CreateHash(plain, &argon2id.Params{
		Memory:      p.MemoryKiB,
		Iterations:  p.Iterations,
		Parallelism: p.Parallelism,
		SaltLength:  p.SaltLength,
		KeyLength:   p.KeyLength,
	})
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return hash, nil
}

// Check reports whether plain matches hash, using the params recorded in the
// hash (not h.Params). A wrong password is (false, nil); an error means the
// hash itself is unusable (ErrMalformedHash).
func (h Hasher) Check(plain, hash string) (bool, error) {
	stored, _, _, err := argon2id.DecodeHash(hash)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrMalformedHash, err)
	}
	// Checked before any hashing: the stored params decide what it costs.
	cost := Params{MemoryKiB: stored.Memory, Iterations: stored.Iterations, Parallelism: stored.Parallelism}
	if err := cost.checkCost(); err != nil {
		return false, fmt.Errorf("%w: %w", ErrMalformedHash, err)
	}
	if stored.KeyLength == 0 {
		return false, fmt.Errorf("%w: no key", ErrMalformedHash)
	}
	ok, err := argon2id.ComparePasswordAndHash(plain, hash)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrMalformedHash, err)
	}
	return ok, nil
}

// HashPassword hashes plain with DefaultParams.
func HashPassword(plain string) (string, error) { return Hasher{}.Hash(plain) }

// CheckPassword reports whether plain matches hash; see Hasher.Check.
func CheckPassword(plain, hash string) (bool, error) { return Hasher{}.Check(plain, hash) }
