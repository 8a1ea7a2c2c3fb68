package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/chance-video/chance/domain"
)

func TestCheckLineRefusesWhatIsNotText(t *testing.T) {
	for _, bad := range []string{
		"Ann\"\r\nBcc: x@example.ru", "Ann\x00", "Ann\x7f", "Ann\u0085", "Ann\x1b[31m", "Ann\tB",
		"Ann\u202eexe.txt", "Ann\u2066x\u2069", "Ann\u200f", "Ann\u2028B", "Ann\xff",
	} {
		err := domain.CheckLine("first_name", bad)
		if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), "first_name") {
			t.Errorf("CheckLine(%q) = %v, want an invalid-input error naming first_name", bad, err)
		}
	}
	for _, good := range []string{`Ann "Nan" O'Neil`, "Анна-Мария", "Zoë 😀", "李", "<b>&amp;</b>", "שלום"} {
		if err := domain.CheckLine("first_name", good); err != nil {
			t.Errorf("CheckLine(%q) = %v, want nil", good, err)
		}
	}
}

func TestCheckParagraphsAllowsLinesButNotControls(t *testing.T) {
	if err := domain.CheckParagraphs("description", "Акт 1.\n\tАкт 2."); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"a\rb", "a\x00", "a\u202e"} {
		if err := domain.CheckParagraphs("description", bad); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("CheckParagraphs(%q) = %v, want invalid", bad, err)
		}
	}
}

func TestStripNonTextLeavesTextThatPasses(t *testing.T) {
	for _, in := range []string{"Ann\r\n\x00\u202eB\xff", `Ann "Nan" O'Neil`, "\x85\u2069"} {
		out := domain.StripNonText(in)
		if err := domain.CheckLine("x", out); err != nil {
			t.Errorf("StripNonText(%q) = %q, still refused: %v", in, out, err)
		}
	}
	if got := domain.StripNonText(`Ann "Nan"` + "\r\n O'Neil"); got != `Ann "Nan" O'Neil` {
		t.Fatalf("got %q", got)
	}
}

func TestVisible(t *testing.T) {
	for _, blank := range []string{"", " ", "\t\n", "\u00A0", "\u3000", "\u2003\u202F", "\u200B", "\u200C\u200D", "\u2060", "\uFEFF",
		"\u3164", "\u115F\u1160", "\uFFA0", "\u2800\u2800", "\u0301", "\u0301\u0308", "\u00AD", "\u180E", "\uFE0F", "\U000E0041",
		"\u200B \u3164\u2800"} {
		if domain.Visible(blank) {
			t.Errorf("domain.Visible(%+q) = true", blank)
		}
		if err := domain.CheckVisible("first_name", blank); !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), "first_name") {
			t.Errorf("domain.CheckVisible(%+q) = %v, want an invalid first_name", blank, err)
		}
	}
	for _, name := range []string{"Анна", "\u200BА", "е\u0301", "О'Нил", "李", "🎭", "1", "-", "\u3164Ж"} {
		if !domain.Visible(name) || domain.CheckVisible("title", name) != nil {
			t.Errorf("domain.Visible(%+q) = false", name)
		}
	}
}
