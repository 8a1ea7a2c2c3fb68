package readstoretest

import (
	"testing"

	"github.com/chance-video/chance/readmodel/catalogue"
)

// testSearchTypos: a word found nowhere is taken for a typo of a word of a title or an
// actor's name, in any form; a word found somewhere is never replaced by similar ones.
func testSearchTypos(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	f := stockShelf(t, s)
	for _, text := range []string{"Мауззер", "мауззера", "Голлованов", "Мауззер революции"} {
		expectFound(t, s, catalogue.SearchQuery{Text: text}, f.mauser.ID)
	}
	// Nonsense, a transposition too far from any word, a longer word, a typo of a word
	// only a premiere off sale has: nothing.
	for _, text := range []string{"Щфываролд", "Мазуер", "маузерист", "возвращаеться", "Мауззер Введенского"} {
		expectFound(t, s, catalogue.SearchQuery{Text: text})
	}

	// A premiere leaving sale takes its words out of typo matching; relisted, they are back.
	withdrawn := f.mauser
	withdrawn.OnSale = false
	putPremieres(t, s, 2, withdrawn)
	expectFound(t, s, catalogue.SearchQuery{Text: "Мауззер"})
	putPremieres(t, s, 3, f.mauser)
	expectFound(t, s, catalogue.SearchQuery{Text: "Мауззер"}, f.mauser.ID)

	// Once a title has the misspelt word, each word finds only its own premiere.
	typo := premiere("Мауззер", []string{"Ольга Новикова"}, "Пародия.", 30_000, 24, 0, at)
	putPremieres(t, s, 4, typo)
	expectFound(t, s, catalogue.SearchQuery{Text: "Маузер"}, f.mauser.ID)
	expectFound(t, s, catalogue.SearchQuery{Text: "Мауззер"}, typo.ID)
}
