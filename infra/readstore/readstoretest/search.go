package readstoretest

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// shelf is the search fixture: six premieres on sale, one withdrawn. Prices after the
// discount, discounts, titles and publication times are all distinct, so every sort
// order has one right answer.
type shelf struct {
	mauser    catalogue.Premiere // «Маузер»: 50 000, no discount, oldest
	elkaYe    catalogue.Premiere // «Елка у Ивановых», spelt with е: 36 000
	elkaYo    catalogue.Premiere // «Ёлка во дворе», spelt with ё: 30 000 − 50 % = 15 000
	train     catalogue.Premiere // «Бронепоезд»: «кольту» only in the description; 59 400
	duel      catalogue.Premiere // «Дуэль»: «Шестопалов» only in the actors; 36 800
	short     catalogue.Premiere // «Я и ты»: short words; «дуэль» in its description; newest
	withdrawn catalogue.Premiere // «Маузер возвращается», not on sale
}

func (f shelf) onSale() []catalogue.Premiere {
	return []catalogue.Premiere{f.mauser, f.elkaYe, f.elkaYo, f.train, f.duel, f.short}
}

func premiere(title string, actors []string, description string, online money.Kopecks, hours, discount int, published time.Time) catalogue.Premiere {
	return catalogue.Premiere{
		ID: uuid.New(), Title: title, Actors: actors, Description: description, TheaterPrice: 3 * online,
		Terms:  pricing.Terms{OnlinePrice: online, StandardHours: hours, DiscountPercent: discount},
		OnSale: true, PublishedAt: published, UpdatedAt: published,
	}
}

func stockShelf(t *testing.T, s Store) shelf {
	t.Helper()
	h := func(n int) time.Time { return at.Add(time.Duration(n) * time.Hour) }
	f := shelf{
		mauser: premiere("Маузер", []string{"Артём Голованов", "Вера Сташевская"},
			"Жёсткая постановка о революции.", 50_000, 48, 0, h(1)),
		elkaYe: premiere("Елка у Ивановых", []string{"Пётр Зорин"},
			"Абсурдистская пьеса Введенского.", 40_000, 48, 10, h(2)),
		elkaYo: premiere("Ёлка во дворе", []string{"Илья Ким"},
			"Новогодняя сказка для взрослых.", 30_000, 24, 50, h(3)),
		train: premiere("Бронепоезд", []string{"Всеволод Краснов"},
			"Комиссар доверяет только своему кольту и никому на свете.", 60_000, 72, 1, h(4)),
		duel: premiere("Дуэль", []string{"Николай Шестопалов", "Полина Рудакова"},
			"Комедия положений с куплетами.", 46_000, 48, 20, h(5)),
		short: premiere("Я и ты", []string{"Анна Белова"},
			"Камерная история двоих: дуэль взглядов.", 20_000, 24, 5, h(6)),
		withdrawn: premiere("Маузер возвращается", []string{"Артём Голованов"},
			"Продолжение, снятое с продажи.", 50_000, 48, 0, h(7)),
	}
	f.withdrawn.OnSale = false
	putPremieres(t, s, 1, append(f.onSale(), f.withdrawn)...)
	return f
}

func search(t *testing.T, s Store, q catalogue.SearchQuery) catalogue.SearchResult {
	t.Helper()
	res, err := s.Search(t.Context(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	for _, p := range res.Items {
		checkUTC(t, "search result", p.PublishedAt, p.UpdatedAt)
	}
	return res
}

// expectFound checks that q finds exactly want, in any order.
func expectFound(t *testing.T, s Store, q catalogue.SearchQuery, want ...uuid.UUID) {
	t.Helper()
	q.Limit = 100
	res := search(t, s, q)
	if got := premiereIDs(res.Items); !sameIDs(got, want) || res.Total != len(want) {
		t.Errorf("search %+v: got %s (total %d), want %s", q, titles(res.Items), res.Total, idList(want))
	}
}

// expectOrder checks that q finds exactly want, in this order.
func expectOrder(t *testing.T, s Store, q catalogue.SearchQuery, want ...catalogue.Premiere) {
	t.Helper()
	res := search(t, s, q)
	if !slices.Equal(premiereIDs(res.Items), premiereIDs(want)) {
		t.Errorf("search %+v: got %s, want %s", q, titles(res.Items), titles(want))
	}
}

func titles(ps []catalogue.Premiere) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Title
	}
	return out
}

func idList(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()[:8]
	}
	return out
}

func testSearchWordForms(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	f := stockShelf(t, s)
	for _, text := range []string{"Маузер", "маузера", "МАУЗЕР", "Маузером", "Мауз", "  маузер!  "} {
		expectFound(t, s, catalogue.SearchQuery{Text: text}, f.mauser.ID)
	}
	expectFound(t, s, catalogue.SearchQuery{Text: "зебра"})
	expectFound(t, s, catalogue.SearchQuery{Text: "маузерист"}) // a longer word is not a form of it
}

func testSearchYoAndYe(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	f := stockShelf(t, s)
	for _, text := range []string{"ёлка", "елка", "ЁЛКИ", "Елкой"} {
		expectFound(t, s, catalogue.SearchQuery{Text: text}, f.elkaYe.ID, f.elkaYo.ID)
	}
	expectFound(t, s, catalogue.SearchQuery{Text: "Артем"}, f.mauser.ID) // «Артём» in the actors
	expectFound(t, s, catalogue.SearchQuery{Text: "Жесткая"}, f.mauser.ID)
}

func testSearchFields(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	f := stockShelf(t, s)
	expectFound(t, s, catalogue.SearchQuery{Text: "кольт"}, f.train.ID)        // description only
	expectFound(t, s, catalogue.SearchQuery{Text: "Шестопалова"}, f.duel.ID)   // actors only, another form
	expectFound(t, s, catalogue.SearchQuery{Text: "Введенского"}, f.elkaYe.ID) // description
	expectFound(t, s, catalogue.SearchQuery{Text: "ВВЕДЕН"}, f.elkaYe.ID)      // a prefix
}

func testSearchAllWords(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	f := stockShelf(t, s)
	expectFound(t, s, catalogue.SearchQuery{Text: "ёлка двор"}, f.elkaYo.ID)
	expectFound(t, s, catalogue.SearchQuery{Text: "Елка Введенского"}, f.elkaYe.ID) // title and description
	expectFound(t, s, catalogue.SearchQuery{Text: "Маузер Введенского"})
	expectFound(t, s, catalogue.SearchQuery{Text: "дуэль"}, f.duel.ID, f.short.ID)
	expectFound(t, s, catalogue.SearchQuery{Text: "дуэль Рудакова"}, f.duel.ID)
}

func testSearchShortWords(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	f := stockShelf(t, s)
	expectFound(t, s, catalogue.SearchQuery{Text: "ты"}, f.short.ID)
	expectFound(t, s, catalogue.SearchQuery{Text: "Я ты"}, f.short.ID)
	expectFound(t, s, catalogue.SearchQuery{Text: "ты камерная"}, f.short.ID)
	expectFound(t, s, catalogue.SearchQuery{Text: "ты Маузер"})
	// No word at all filters nothing.
	expectFound(t, s, catalogue.SearchQuery{Text: " — "}, premiereIDs(f.onSale())...)
}

func testSearchActorFilter(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	f := stockShelf(t, s)
	expectFound(t, s, catalogue.SearchQuery{Actor: "рудакова"}, f.duel.ID)
	expectFound(t, s, catalogue.SearchQuery{Actor: "Полина Рудакова"}, f.duel.ID)
	expectFound(t, s, catalogue.SearchQuery{Actor: "Ким"}, f.elkaYo.ID)
	expectFound(t, s, catalogue.SearchQuery{Actor: "ил"}, f.elkaYo.ID) // short: «Илья»
	expectFound(t, s, catalogue.SearchQuery{Actor: "Артем"}, f.mauser.ID)
	expectFound(t, s, catalogue.SearchQuery{Actor: "Голованов", Text: "маузер"}, f.mauser.ID)
	expectFound(t, s, catalogue.SearchQuery{Actor: "Голованов", Text: "ёлка"})
	// The filter is on actors only: «Маузер» is a title.
	expectFound(t, s, catalogue.SearchQuery{Actor: "Маузер"})
}

func testSearchPriceAndDiscount(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	f := stockShelf(t, s)
	// Prices after discount: elkaYo 15 000 (30 000 before), short 19 000, elkaYe 36 000,
	// duel 36 800, mauser 50 000, train 59 400.
	expectFound(t, s, catalogue.SearchQuery{MaxPrice: 20_000}, f.elkaYo.ID, f.short.ID)
	expectFound(t, s, catalogue.SearchQuery{MinPrice: 36_000, MaxPrice: 50_000}, f.elkaYe.ID, f.duel.ID, f.mauser.ID)
	expectFound(t, s, catalogue.SearchQuery{MinPrice: 25_000, MaxPrice: 35_000})
	expectFound(t, s, catalogue.SearchQuery{MinPrice: 59_400}, f.train.ID)
	expectFound(t, s, catalogue.SearchQuery{MinDiscount: 20}, f.elkaYo.ID, f.duel.ID)
	expectFound(t, s, catalogue.SearchQuery{MinDiscount: 10, Text: "ёлка"}, f.elkaYe.ID, f.elkaYo.ID)
	expectFound(t, s, catalogue.SearchQuery{MinDiscount: 20, MaxPrice: 20_000, Text: "ёлка"}, f.elkaYo.ID)
}

func testSearchSortOrders(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	f := stockShelf(t, s)
	newest := []catalogue.Premiere{f.short, f.duel, f.train, f.elkaYo, f.elkaYe, f.mauser}
	priceAsc := []catalogue.Premiere{f.elkaYo, f.short, f.elkaYe, f.duel, f.mauser, f.train}
	expectOrder(t, s, catalogue.SearchQuery{Sort: catalogue.SortNewest}, newest...)
	expectOrder(t, s, catalogue.SearchQuery{}, newest...) // relevance without text
	expectOrder(t, s, catalogue.SearchQuery{Sort: catalogue.SortRelevance}, newest...)
	expectOrder(t, s, catalogue.SearchQuery{Sort: catalogue.SortPriceAsc}, priceAsc...)
	expectOrder(t, s, catalogue.SearchQuery{Sort: catalogue.SortPriceDesc}, reversed(priceAsc)...)
	expectOrder(t, s, catalogue.SearchQuery{Sort: catalogue.SortDiscount}, f.elkaYo, f.duel, f.elkaYe, f.short, f.train, f.mauser)
	// By title, ё sorting as е: бронепоезд, дуэль, елка во дворе, елка у ивановых, маузер, я и ты.
	expectOrder(t, s, catalogue.SearchQuery{Sort: catalogue.SortTitle}, f.train, f.duel, f.elkaYo, f.elkaYe, f.mauser, f.short)

	// Relevance with text: a title match ranks above a description match of a newer premiere.
	expectOrder(t, s, catalogue.SearchQuery{Text: "дуэль"}, f.duel, f.short)
	expectOrder(t, s, catalogue.SearchQuery{Text: "дуэль", Sort: catalogue.SortNewest}, f.short, f.duel)
	// Sorting applies to text matches too.
	expectOrder(t, s, catalogue.SearchQuery{Text: "ёлка", Sort: catalogue.SortPriceDesc}, f.elkaYe, f.elkaYo)
	expectOrder(t, s, catalogue.SearchQuery{Text: "ёлка", Sort: catalogue.SortPriceAsc}, f.elkaYo, f.elkaYe)
}

func reversed(ps []catalogue.Premiere) []catalogue.Premiere {
	out := slices.Clone(ps)
	slices.Reverse(out)
	return out
}

func testSearchPaging(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	f := stockShelf(t, s)
	priceAsc := []catalogue.Premiere{f.elkaYo, f.short, f.elkaYe, f.duel, f.mauser, f.train}
	for page := 1; page <= 4; page++ {
		q := catalogue.SearchQuery{Sort: catalogue.SortPriceAsc, Page: page, Limit: 4}
		res := search(t, s, q)
		if res.Total != len(priceAsc) {
			t.Errorf("page %d: total %d, want %d", page, res.Total, len(priceAsc))
		}
		want := priceAsc[min((page-1)*4, len(priceAsc)):min(page*4, len(priceAsc))]
		if !slices.Equal(premiereIDs(res.Items), premiereIDs(want)) {
			t.Errorf("page %d: got %s, want %s", page, titles(res.Items), titles(want))
		}
	}
	// The defaults: the first page, 20 at most.
	res := search(t, s, catalogue.SearchQuery{Sort: catalogue.SortPriceAsc})
	if len(res.Items) != len(priceAsc) || res.Total != len(priceAsc) {
		t.Errorf("default page: %d items, total %d", len(res.Items), res.Total)
	}
	res = search(t, s, catalogue.SearchQuery{Text: "ёлка", Limit: 1, Page: 2, Sort: catalogue.SortPriceAsc})
	if res.Total != 2 || len(res.Items) != 1 || res.Items[0].ID != f.elkaYe.ID {
		t.Errorf("second page of ёлка: %s, total %d", titles(res.Items), res.Total)
	}
}

func testSearchOnSaleOnly(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	f := stockShelf(t, s)
	expectFound(t, s, catalogue.SearchQuery{Text: "возвращается"})
	expectFound(t, s, catalogue.SearchQuery{Text: "Маузер"}, f.mauser.ID)
	expectFound(t, s, catalogue.SearchQuery{}, premiereIDs(f.onSale())...)

	// Withdrawing takes a premiere out of search, not out of the catalogue; relisting
	// brings it back.
	withdrawn := f.mauser
	withdrawn.OnSale = false
	putPremieres(t, s, 2, withdrawn)
	expectFound(t, s, catalogue.SearchQuery{Text: "Маузер"})
	if _, found := mustPremiere(t, s, f.mauser.ID); !found {
		t.Error("a withdrawn premiere is no longer in the catalogue.Name")
	}
	putPremieres(t, s, 3, f.mauser)
	expectFound(t, s, catalogue.SearchQuery{Text: "Маузер"}, f.mauser.ID)
}
