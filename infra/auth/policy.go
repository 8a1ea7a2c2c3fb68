package auth

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Password length bounds, counted in characters (runes), not bytes, so that a
// Cyrillic password is judged like a Latin one. The upper bound keeps hashing
// cost and request size predictable; 128 is far above any memorable passphrase.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 128
)

// PolicyError is a password the policy refuses. Its message is written for the
// person choosing the password and can go into an API problem's detail as is;
// use errors.As to tell it from other failures (it is a 400, not a 500).
type PolicyError struct {
	msg string
}

func (e *PolicyError) Error() string { return e.msg }

// The policy's refusals, comparable with errors.Is.
var (
	ErrPasswordTooShort = &PolicyError{fmt.Sprintf("password must be at least %d characters long", MinPasswordLength)}
	ErrPasswordTooLong  = &PolicyError{fmt.Sprintf("password must be at most %d characters long", MaxPasswordLength)}
	ErrPasswordBlank    = &PolicyError{"password must not consist only of spaces"}
	ErrPasswordEncoding = &PolicyError{"password must be valid UTF-8 text"}
)

// CheckPasswordPolicy applies the registration policy: 8..128 characters, not
// only whitespace. Following NIST SP 800-63B, there are no composition rules
// (digits, symbols …) and the password is not trimmed or normalised: it is
// hashed exactly as typed, so spaces at either end are part of it.
func CheckPasswordPolicy(plain string) error {
	if !utf8.ValidString(plain) {
		return ErrPasswordEncoding
	}
	n := utf8.RuneCountInString(plain)
	switch {
	case n < MinPasswordLength:
		return ErrPasswordTooShort
	case n > MaxPasswordLength:
		return ErrPasswordTooLong
	case strings.TrimSpace(plain) == "":
		return ErrPasswordBlank
	}
	return nil
}
