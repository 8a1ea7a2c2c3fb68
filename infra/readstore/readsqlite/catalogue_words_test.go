package readsqlite

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// The typo vocabulary is a function of the premieres on sale: a history of edits,
// withdrawals and relistings leaves the same rows as writing the outcome once, which is
// what a rebuild does.
func TestTypoVocabularyIsTheSameAfterARebuild(t *testing.T) {
	at := time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)
	card := func(title string, onSale bool, actors ...string) catalogue.Premiere {
		return catalogue.Premiere{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte(title)), Title: title, Actors: actors, OnSale: onSale,
			Terms: pricing.Terms{OnlinePrice: 50_000, StandardHours: 48}, PublishedAt: at, UpdatedAt: at}
	}
	mauser := card("Маузер", true, "Артём Голованов")
	chaika := card("Чайка", true, "Артём Голованов", "Вера Сташевская")
	edited := mauser
	edited.Title, edited.Actors = "Маузер возвращается", []string{"Илья Ким"}
	withdrawn := chaika
	withdrawn.OnSale = false
	duel := card("Дуэль", true, "Николай Шестопалов")

	history := [][]catalogue.Premiere{{mauser, chaika}, {edited}, {withdrawn}, {duel}, {chaika}, {card("Дуэль", false)}}
	outcome := []catalogue.Premiere{edited, chaika, card("Дуэль", false)}

	lived, rebuilt := openIn(t, t.TempDir()), openIn(t, t.TempDir())
	for i, batch := range history {
		putAll(t, lived, uint64(i+1), batch...)
	}
	putAll(t, rebuilt, 1, outcome...)
	want := []string{"арт 1", "вер 1", "возвраща 1", "голован 1", "ким 1", "маузер 1", "сташевск 1", "чайк 1"}
	for name, s := range map[string]*Store{"lived": lived, "rebuilt": rebuilt} {
		if got := vocabulary(t, s); !slices.Equal(got, want) {
			t.Errorf("%s: words %q, want %q", name, got, want)
		}
		if got, want := trigramRows(t, s), trigramRows(t, rebuilt); got != want {
			t.Errorf("%s: %d trigram rows, rebuilt has %d", name, got, want)
		}
	}
}

func putAll(t *testing.T, s *Store, reached uint64, ps ...catalogue.Premiere) {
	t.Helper()
	err := projections.Update(context.Background(), s, catalogue.Name, eventlog.Position{Commit: reached, Prepare: reached},
		func(tx catalogue.Writes) error {
			for _, p := range ps {
				if err := tx.PutPremiere(context.Background(), p); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
}

func vocabulary(t *testing.T, s *Store) []string {
	t.Helper()
	g, release, err := s.serving(catalogue.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	rows, err := g.read.Query(`SELECT word, uses FROM premiere_words ORDER BY word`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var word string
		var uses int
		if err := rows.Scan(&word, &uses); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %d", word, uses))
	}
	return out
}

func trigramRows(t *testing.T, s *Store) (n int) {
	t.Helper()
	g, release, err := s.serving(catalogue.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if err := g.read.QueryRow(`SELECT count(*) FROM premiere_word_trigrams`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
