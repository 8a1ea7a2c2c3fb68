package demo

import (
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/premiere"
)

var now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func TestEveryEntryPublishes(t *testing.T) {
	for _, p := range Catalogue() {
		if !p.Now.IsZero() {
			t.Errorf("%q: Now is set; the caller sets it", p.Card.Title)
		}
		p.Now = now
		events, err := premiere.Decide(p, premiere.Initial())
		if err != nil {
			t.Errorf("%q: %v", p.Card.Title, err)
			continue
		}
		want := []domain.Event{premiere.Published{ID: p.ID, Card: p.Card, TheaterPrice: p.TheaterPrice, Terms: p.Terms, At: now},
			premiere.DetailsChanged{ID: p.ID, Details: p.Details, At: now}}
		if !reflect.DeepEqual(events, want) {
			t.Errorf("%q: decided %#v, want exactly %#v (are the card and the details trimmed?)", p.Card.Title, events, want)
		}
	}
}

func TestContent(t *testing.T) {
	for _, p := range Catalogue() {
		title := p.Card.Title
		if d := p.Details; d.Theatre == "" || d.DurationMinutes < 30 || d.DurationMinutes > 360 || d.PosterURL != "" {
			t.Errorf("%q: details %+v (a theatre, 30 minutes to 6 hours, no poster)", title, d)
		}
		if n := len(p.Card.Actors); n < 1 || n > 5 {
			t.Errorf("%q: %d actors", title, n)
		}
		if n := utf8.RuneCountInString(p.Card.Description); n < 80 {
			t.Errorf("%q: description of %d characters is too short", title, n)
		}
		if p.TheaterPrice < 150_000 || p.TheaterPrice > 1_200_000 {
			t.Errorf("%q: theatre price %v", title, p.TheaterPrice)
		}
		if p.Terms.OnlinePrice < 29_900 || p.Terms.OnlinePrice > 149_000 {
			t.Errorf("%q: online price %v", title, p.Terms.OnlinePrice)
		}
		if h := p.Terms.StandardHours; h != 24 && h != 48 && h != 72 {
			t.Errorf("%q: standard term of %d hours", title, h)
		}
		if d := p.Terms.DiscountPercent; d < 0 || d > 40 {
			t.Errorf("%q: discount %d%%", title, d)
		}
	}
}

func TestUniqueAndEnough(t *testing.T) {
	all := Catalogue()
	if len(all) < 30 {
		t.Fatalf("%d premieres, want at least 30", len(all))
	}
	ids, titles, slugs := map[uuid.UUID]bool{}, map[string]bool{}, map[string]bool{}
	for _, p := range all {
		if p.ID == uuid.Nil || ids[p.ID] {
			t.Errorf("%q: id %s is nil or repeated", p.Card.Title, p.ID)
		}
		ids[p.ID] = true
		if key := strings.ToLower(p.Card.Title); titles[key] {
			t.Errorf("title %q repeated", p.Card.Title)
		}
		titles[strings.ToLower(p.Card.Title)] = true
	}
	for _, e := range catalogue {
		if slugs[e.slug] {
			t.Errorf("slug %q repeated", e.slug)
		}
		slugs[e.slug] = true
		for _, r := range e.slug {
			if r > unicode.MaxASCII {
				t.Errorf("slug %q is not ASCII", e.slug)
				break
			}
		}
	}
}

// TestDeterministicIDs pins the ids: a re-seed must publish the same ones.
func TestDeterministicIDs(t *testing.T) {
	first, second := Catalogue(), Catalogue()
	if !reflect.DeepEqual(first, second) {
		t.Fatal("two calls return different catalogues")
	}
	if got, want := first[0].ID, uuid.NewSHA1(uuid.MustParse(Namespace), []byte("mauser")); got != want || got.Version() != 5 {
		t.Fatalf("id of %q = %s, want %s", first[0].Card.Title, got, want)
	}
	first[0].Card.Actors[0] = "changed"
	if Catalogue()[0].Card.Actors[0] == "changed" {
		t.Fatal("a caller can alter the catalogue through the actors slice")
	}
}

// TestMauserSearch checks the search fixture: «Маузер» in several word forms,
// and at least once only outside the title.
func TestMauserSearch(t *testing.T) {
	const stem = "маузер"
	forms := map[string]bool{}
	var matches, outsideTitle []string
	for _, p := range Catalogue() {
		text := strings.Join(append([]string{p.Card.Title, p.Card.Description}, p.Card.Actors...), "\n")
		if !strings.Contains(strings.ToLower(text), stem) {
			continue
		}
		matches = append(matches, p.Card.Title)
		if !strings.Contains(strings.ToLower(p.Card.Title), stem) {
			outsideTitle = append(outsideTitle, p.Card.Title)
		}
		for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
			if strings.HasPrefix(w, stem) {
				forms[w] = true
			}
		}
	}
	distinct := make([]string, 0, len(forms))
	for w := range forms {
		distinct = append(distinct, w)
	}
	sort.Strings(distinct)
	t.Logf("«Маузер» in %q, forms %q, outside the title in %q", matches, distinct, outsideTitle)
	if len(matches) < 3 {
		t.Errorf("%d premieres match «маузер», want at least 3", len(matches))
	}
	if len(distinct) < 3 {
		t.Errorf("word forms %q, want at least 3", distinct)
	}
	if len(outsideTitle) == 0 {
		t.Error("no premiere matches «маузер» only outside its title")
	}
}

// TestNormalisationFixtures keeps the entries that exercise ё/е and Latin in search.
func TestNormalisationFixtures(t *testing.T) {
	var yo, ye, latin bool
	for _, p := range Catalogue() {
		title := p.Card.Title
		yo = yo || strings.ContainsAny(title, "Ёё")
		ye = ye || title == "Мертвые души" // spelt with е where ё is pronounced
		for _, r := range title {
			latin = latin || unicode.Is(unicode.Latin, r)
		}
	}
	if !yo || !ye || !latin {
		t.Errorf("titles with ё: %v, with е for ё: %v, with a Latin word: %v", yo, ye, latin)
	}
}

// Every detail names an entry: a slug misspelt in details.go would leave a premiere
// without its details.
func TestDetailsNameEntries(t *testing.T) {
	slugs := map[string]bool{}
	for _, e := range catalogue {
		slugs[e.slug] = true
	}
	for slug := range details {
		if !slugs[slug] {
			t.Errorf("details for %q, which the catalogue does not have", slug)
		}
	}
}
