package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckPasswordPolicy(t *testing.T) {
	for _, tc := range []struct {
		name  string
		plain string
		want  error
	}{
		{"eight ascii", "abcdefgh", nil},
		{"seven ascii", "abcdefg", ErrPasswordTooShort},
		{"empty", "", ErrPasswordTooShort},
		// Seven Cyrillic letters are 14 bytes: characters are counted, not bytes.
		{"seven cyrillic", "паролик", ErrPasswordTooShort},
		{"eight cyrillic", "паролики", nil},
		{"128 characters", strings.Repeat("я", 128), nil},
		{"129 characters", strings.Repeat("a", 129), ErrPasswordTooLong},
		{"spaces only", "          ", ErrPasswordBlank},
		{"mixed whitespace", " \t\n\u00a0 \u3000 \r ", ErrPasswordBlank},
		{"spaces inside count", " my pass ", nil},
		{"invalid utf-8", "abcdefgh\xff", ErrPasswordEncoding},
	} {
		err := CheckPasswordPolicy(tc.plain)
		if err != tc.want {
			t.Errorf("%s: CheckPasswordPolicy = %v, want %v", tc.name, err, tc.want)
		}
		if err == nil {
			continue
		}
		var pe *PolicyError
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v is not a *PolicyError", tc.name, err)
		}
		if !strings.HasPrefix(err.Error(), "password must ") {
			t.Errorf("%s: message %q does not read as a rule", tc.name, err)
		}
	}
}
