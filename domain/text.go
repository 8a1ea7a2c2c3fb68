package domain

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text that people type (names, titles, descriptions) reaches emails, SMS, logs and
// other people's screens. Characters that are not text there are refused where the
// text enters the domain, so every entry point (HTTP, CLI, a future import) holds:
//   - control characters (C0, DEL, C1): a CR/LF or NUL breaks email headers and logs;
//   - bidirectional overrides, embeddings, isolates and marks: they make a name
//     display as something else (U+202E turns "Anna‮exe.txt" around);
//   - line and paragraph separators (U+2028/U+2029) in a one-line field;
//   - invalid UTF-8, which no channel can carry.
//
// Quotes, apostrophes, emoji and every other printable character are legitimate:
// the channels encode them (an email's display name is RFC 2047 encoded).

// CheckLine refuses a one-line text field (a name, a title) holding a character
// that is not text; field names it in the detail.
func CheckLine(field, v string) error { return checkText(field, v, false) }

// CheckParagraphs is CheckLine for a field that may span lines (a description):
// it also accepts line feeds and tabs.
func CheckParagraphs(field, v string) error { return checkText(field, v, true) }

func checkText(field, v string, multiline bool) error {
	if !utf8.ValidString(v) {
		return Invalid(fmt.Sprintf("%s is not valid UTF-8 text", field))
	}
	i := strings.IndexFunc(v, func(r rune) bool {
		if multiline && (r == '\n' || r == '\t') {
			return false
		}
		return NotText(r)
	})
	if i < 0 {
		return nil
	}
	r, _ := utf8.DecodeRuneInString(v[i:])
	what := "control characters"
	if !isControl(r) {
		what = "invisible direction or line-break marks"
	}
	return Invalid(fmt.Sprintf("%s must not contain %s (found U+%04X at character %d)", field, what, r, utf8.RuneCountInString(v[:i])+1))
}

// NotText reports whether r is refused in a one-line text field.
func NotText(r rune) bool {
	if isControl(r) {
		return true
	}
	switch {
	case r == 0x061C, // Arabic letter mark
		r == 0x200E, r == 0x200F, // left-to-right and right-to-left marks
		r >= 0x202A && r <= 0x202E, // embeddings and overrides
		r >= 0x2066 && r <= 0x2069, // isolates
		r == 0x2028, r == 0x2029:   // line and paragraph separators
		return true
	}
	return false
}

func isControl(r rune) bool { return r < 0x20 || (r >= 0x7F && r <= 0x9F) }

// StripNonText removes from s what CheckLine refuses, and replaces invalid UTF-8:
// for text recorded before the rule existed, which must still be shown or sent.
func StripNonText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if NotText(r) {
			return -1
		}
		return r
	}, s)
}

// Visible reports whether s has a character a reader can see. A name, a title or an
// actor made only of spaces (of any kind), zero-width or other invisible format
// characters (U+200B, ZWJ/ZWNJ, U+2060, U+FEFF), fillers that render as nothing
// (U+3164, U+115F, U+1160, U+FFA0, the blank braille pattern U+2800) or combining
// marks with nothing to combine with shows as blank: an impersonation aid and an
// empty card, so it is refused like an empty one.
func Visible(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !invisible(r) }) >= 0
}

// CheckVisible refuses a text field with no visible character; field names it.
func CheckVisible(field, v string) error {
	if Visible(v) {
		return nil
	}
	return Invalid(fmt.Sprintf("%s must have a visible character: it is empty or only spaces and invisible characters", field))
}

func invisible(r rune) bool {
	switch {
	case unicode.IsSpace(r), unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp),
		unicode.In(r, unicode.Cc, unicode.Cf, unicode.Cs),
		unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc), // marks: visible only on a base character
		unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector),
		r == 0x2800, // braille pattern blank
		r == utf8.RuneError:
		return true
	}
	return false
}
