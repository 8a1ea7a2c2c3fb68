package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/pricing"
)

func TestSearchFiltersAndPages(t *testing.T) {
	h := newHarness(t)
	h.publish("Маузер", []string{"Евгений Миронов"}, 50000, 48, 0)
	h.publish("Маузер. Эпилог", []string{"Чулпан Хаматова"}, 30000, 48, 20)
	h.publish("Возвращение Маузера", []string{"Евгений Миронов"}, 80000, 48, 50)
	h.publish("Чайка", []string{"Чулпан Хаматова"}, 20000, 24, 0)

	total := func(path string) int64 { return h.get(path, "").want(t, http.StatusOK).num("total") }
	if got := total("/search/?q=Маузер"); got != 3 {
		t.Fatalf("q=Маузер found %d, want 3", got)
	}
	if got := total("/search?q=Маузер&actor=Миронов"); got != 2 {
		t.Fatalf("actor filter: %d", got)
	}
	if got := total("/search/?min_discount=20"); got != 2 {
		t.Fatalf("min_discount: %d", got)
	}
	// Prices after discount: 50000, 24000, 40000, 20000.
	if got := total("/search/?min_price=24000&max_price=40000"); got != 2 {
		t.Fatalf("price range: %d", got)
	}
	page := h.get("/search/?sort=price_asc&limit=2&page=2", "").want(t, http.StatusOK)
	items := page.items(t)
	if page.num("total") != 4 || page.JSON["total_exact"] != true || page.num("page") != 2 || page.num("limit") != 2 || len(items) != 2 ||
		items[0]["price"] != float64(40000) || items[1]["price"] != float64(50000) {
		t.Fatalf("page 2 by price = %s", page.Raw)
	}
	card := items[1]
	for _, field := range []string{"id", "title", "actors", "description", "theater_price", "online_price", "discount_percent", "reservation_hours", "currency"} {
		if _, ok := card[field]; !ok {
			t.Fatalf("card lacks %s: %v", field, card)
		}
	}
	one := h.get("/premiere/"+card["id"].(string)+"/", "").want(t, http.StatusOK)
	if one.str("title") != "Маузер" || one.num("online_price") != 50000 {
		t.Fatalf("card = %s", one.Raw)
	}
}

func TestTrailingSlashVariants(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("uma")
	film := h.publish("Маузер", nil, 1000, 10, 0)
	for _, path := range []string{"/search", "/search/", "/billing/amount", "/billing/amount/", "/rent/" + film.String() + "?period=1",
		"/rent/" + film.String() + "/?period=1", "/users/", "/cart/", "/me/premieres/", "/billing/history/", "/notifications/"} {
		h.get(path, token).want(t, http.StatusOK)
	}
	h.post("/billing/fill/", token, uuid.NewString(), `{"summ": 2000}`).want(t, http.StatusCreated)
	h.post("/billing/withdraw", token, uuid.NewString(), map[string]any{"id": film, "summ": 100, "period": 1}).want(t, http.StatusCreated)
	h.post("/rent", token, uuid.NewString(), map[string]any{"id": film, "period": 1}).want(t, http.StatusCreated)
}

func TestAdminManagesTheCatalogue(t *testing.T) {
	h := newHarness(t)
	admin := h.withRole("admin", "admin")
	card := h.post("/admin/premieres", admin, "", map[string]any{"title": "Маузер", "actors": []string{"Евгений Миронов"},
		"description": "Премьера", "theater_price": 300000, "online_price": 50000, "reservation_hours": 48, "discount_percent": 10}).
		want(t, http.StatusCreated)
	id := card.str("id")
	if _, err := uuid.Parse(id); err != nil || card.num("price") != 45000 {
		t.Fatalf("published = %s", card.Raw)
	}
	h.post("/admin/premieres", admin, "", map[string]any{"title": "", "online_price": 1, "reservation_hours": 1}).
		problem(t, http.StatusBadRequest, "title")

	patch := func(body any) response {
		return h.send(req{Method: http.MethodPatch, Path: "/admin/premieres/" + id, Token: admin, Body: body})
	}
	changed := patch(map[string]any{"title": "Маузер (новая редакция)", "online_price": 60000, "discount_percent": 50}).want(t, http.StatusOK)
	if changed.str("title") != "Маузер (новая редакция)" || changed.num("online_price") != 60000 || changed.num("discount_percent") != 50 ||
		changed.num("reservation_hours") != 48 || changed.str("description") != "Премьера" {
		t.Fatalf("patched = %s", changed.Raw)
	}
	// A bad field refuses the whole patch: the title is not changed either.
	patch(map[string]any{"title": "Другое", "discount_percent": 100}).problem(t, http.StatusBadRequest, "discount_percent")
	patch(`{}`).problem(t, http.StatusBadRequest, "nothing to change")
	patch(`{"colour": "red"}`).problem(t, http.StatusBadRequest, "unknown field")
	seen := h.get("/premiere/"+id, admin).want(t, http.StatusOK)
	if seen.str("title") != "Маузер (новая редакция)" || seen.num("price") != 30000 {
		t.Fatalf("after the refused patch = %s", seen.Raw)
	}
	h.send(req{Method: http.MethodPatch, Path: "/admin/premieres/" + uuid.NewString(), Token: admin, Body: `{"title":"X"}`}).problem(t, http.StatusNotFound)

	h.send(req{Method: http.MethodDelete, Path: "/admin/premieres/" + id, Token: admin}).want(t, http.StatusNoContent)
	if h.get("/search/?q=Маузер", admin).want(t, http.StatusOK).num("total") != 0 {
		t.Fatal("a withdrawn premiere is still found")
	}
	h.get("/rent/"+id+"?period=5", admin).problem(t, http.StatusConflict, "no longer on sale")
	if h.get("/premiere/"+id, admin).want(t, http.StatusOK).JSON["on_sale"] != false {
		t.Fatal("the card does not say it is off sale")
	}
}

// A signed-in client that wrote through another instance names the position it got
// back; the read waits for it even though this instance never saw the write.
func TestMinPositionHeaderIsHonoured(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("reader")
	id := uuid.New()
	_, pos, err := h.cmd.Premiere(context.Background(), id, premiere.Publish{ID: id, Card: premiere.Card{Title: "Маузер"},
		Terms: pricing.Terms{OnlinePrice: 1000, StandardHours: 10}, Now: h.clock.Now()}, commands.Request{})
	if err != nil {
		t.Fatal(err)
	}
	r := h.send(req{Method: http.MethodGet, Path: "/premiere/" + id.String(), Token: token, Header: map[string]string{"X-Chance-Min-Position": pos.String()}})
	if r.want(t, http.StatusOK).str("title") != "Маузер" {
		t.Fatalf("card = %s", r.Raw)
	}
}
