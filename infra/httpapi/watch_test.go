package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/pricing"
)

// watchPage opens a watch link as a browser would: outside the API, without a token.
func (h *harness) watchPage(link string) *httptest.ResponseRecorder {
	h.t.Helper()
	w := httptest.NewRecorder()
	h.api.ServeHTTP(w, httptest.NewRequest(http.MethodGet, link, nil))
	return w
}

func wantPage(t *testing.T, w *httptest.ResponseRecorder, status int, has ...string) {
	t.Helper()
	body := w.Body.String()
	if w.Code != status || w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("page %d %q, want %d HTML:\n%s", w.Code, w.Header().Get("Content-Type"), status, body)
	}
	for k, v := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"} {
		if w.Header().Get(k) != v {
			t.Errorf("%s: %q, want %q", k, w.Header().Get(k), v)
		}
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none';") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q is not strict", csp)
	}
	for _, s := range has {
		if !strings.Contains(body, s) {
			t.Fatalf("page does not say %q:\n%s", s, body)
		}
	}
}

func TestWatch(t *testing.T) {
	h := newHarness(t)
	id := uuid.New()
	_, pos, err := h.cmd.Premiere(context.Background(), id, premiere.Publish{ID: id, Card: premiere.Card{Title: "Маузер <i>"},
		TheaterPrice: 300000, Terms: pricing.Terms{OnlinePrice: 24000, StandardHours: 24},
		Details: premiere.Details{DurationMinutes: 150, Theatre: "Театр Наций", PosterURL: "/posters/1.svg"}, Now: h.clock.Now()}, commands.Request{})
	if err != nil {
		t.Fatal(err)
	}
	h.settle(pos)
	later := h.publish("Чайка", nil, 24000, 24, 0)
	token, _ := h.customer("vera")
	thief, _ := h.customer("ivan")
	h.fill(token, 100000)
	rental := h.post("/rent", token, uuid.NewString(), map[string]any{"id": id, "period": 3}).want(t, http.StatusCreated).str("rental_id")
	upcoming := h.post("/rent", token, uuid.NewString(), map[string]any{"id": later, "period": 3,
		"starts_at": start.Add(2 * time.Hour).Format(time.RFC3339)}).want(t, http.StatusCreated).str("rental_id")

	// Before the term and for someone else's or an unknown rental: no link.
	h.post("/rentals/"+upcoming+"/watch", token, "", nil).problem(t, http.StatusForbidden, "not started", "2026-12-01T20:00:00Z")
	h.post("/rentals/"+rental+"/watch", thief, "", nil).problem(t, http.StatusNotFound)
	h.post("/rentals/"+uuid.NewString()+"/watch", token, "", nil).problem(t, http.StatusNotFound)
	h.post("/rentals/"+rental+"/watch", "", "", nil).problem(t, http.StatusUnauthorized)
	h.post("/rentals/not-an-id/watch", token, "", nil).problem(t, http.StatusBadRequest)

	// During the term: a link for the TTL.
	got := h.post("/rentals/"+rental+"/watch", token, "", nil).want(t, http.StatusOK)
	if got.str("rental_id") != rental || got.str("premiere_id") != id.String() || got.str("expires_at") != "2026-12-01T18:05:00Z" ||
		got.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("watch = %s", got.Raw)
	}
	link := got.str("url")
	if !strings.HasPrefix(link, "/watch/"+rental+"?") {
		t.Fatalf("link %q", link)
	}
	wantPage(t, h.watchPage(link), http.StatusOK, "Маузер &lt;i&gt;", "Театр Наций", `poster="/posters/1.svg"`, "<video",
		"Здесь будет идти видео", "2 ч 30 мин", "До конца аренды: 3 ч 00 мин", "до 02.12.2026 00:00 МСК", "Ссылка действует до 01.12.2026 21:05 МСК")

	// An altered link opens nothing.
	u, _ := url.Parse(link)
	q := u.Query()
	sig, exp := q.Get("sig"), q.Get("exp")
	tampered := []string{
		"/watch/" + rental + "?exp=" + exp + "&sig=" + strings.Repeat("A", len(sig)),
		"/watch/" + rental + "?exp=" + exp + "0&sig=" + sig,
		"/watch/" + upcoming + "?exp=" + exp + "&sig=" + sig,
		"/watch/" + uuid.NewString() + "?exp=" + exp + "&sig=" + sig,
		"/watch/" + rental + "?exp=" + exp,
		"/watch/" + rental,
		"/watch/nonsense?exp=" + exp + "&sig=" + sig,
	}
	for _, bad := range tampered {
		wantPage(t, h.watchPage(bad), http.StatusForbidden, "Ссылка недействительна")
	}

	// The link lasts its TTL, not a second more.
	h.clock.Advance(5*time.Minute - time.Second)
	wantPage(t, h.watchPage(link), http.StatusOK)
	h.clock.Advance(time.Second)
	wantPage(t, h.watchPage(link), http.StatusForbidden, "Срок действия ссылки истёк")

	// Near the end, a link lasts until the end.
	h.clock.Set(start.Add(3*time.Hour - 2*time.Minute))
	if got := h.post("/rentals/"+rental+"/watch", token, "", nil).want(t, http.StatusOK); got.str("expires_at") != "2026-12-01T21:00:00Z" {
		t.Fatalf("a link outlives the term: %s", got.Raw)
	}
	h.clock.Set(start.Add(3 * time.Hour))
	h.post("/rentals/"+rental+"/watch", token, "", nil).problem(t, http.StatusForbidden, "the term is over", "2026-12-01T21:00:00Z")

	// A cancelled rental's link stops working at once.
	h.clock.Set(start.Add(2 * time.Hour))
	link = h.post("/rentals/"+upcoming+"/watch", token, "", nil).want(t, http.StatusOK).str("url")
	wantPage(t, h.watchPage(link), http.StatusOK, "Чайка")
	h.post("/rent/"+upcoming+"/cancel", token, uuid.NewString(), nil).want(t, http.StatusOK)
	h.get("/me/premieres?status=all", token).want(t, http.StatusOK) // waits for the cancellation to be projected
	wantPage(t, h.watchPage(link), http.StatusForbidden, "Аренда отменена")
}
