package httpapi_test

import (
	"net/http"
	"testing"
)

// An admin publishes a premiere with its details and patches them; the card and
// search show them; a bad detail is a 400 that changes nothing.
func TestPremiereDetails(t *testing.T) {
	h := newHarness(t)
	admin := h.withRole("admin", "admin")
	created := h.post("/admin/premieres", admin, "", map[string]any{"title": "Маузер", "theater_price": 300000, "online_price": 50000,
		"reservation_hours": 48, "duration_minutes": 150, "theatre": " Театр Наций ", "poster_url": "/posters/1.svg"}).want(t, http.StatusCreated)
	id := created.str("id")
	for _, r := range []response{created, h.get("/premiere/"+id, admin).want(t, http.StatusOK)} {
		if r.num("duration_minutes") != 150 || r.str("theatre") != "Театр Наций" || r.str("poster_url") != "/posters/1.svg" {
			t.Fatalf("card without its details: %s", r.Raw)
		}
	}

	h.send(req{Method: http.MethodPatch, Path: "/admin/premieres/" + id, Token: admin,
		Body: map[string]any{"title": "Маузер (новая редакция)", "poster_url": "javascript:alert(1)"}}).problem(t, http.StatusBadRequest, "poster_url")
	h.send(req{Method: http.MethodPatch, Path: "/admin/premieres/" + id, Token: admin,
		Body: map[string]any{"duration_minutes": 1441}}).problem(t, http.StatusBadRequest, "duration_minutes")
	if r := h.get("/premiere/"+id, admin).want(t, http.StatusOK); r.str("title") != "Маузер" || r.str("poster_url") != "/posters/1.svg" {
		t.Fatalf("a refused patch changed the card: %s", r.Raw)
	}

	patched := h.send(req{Method: http.MethodPatch, Path: "/admin/premieres/" + id, Token: admin,
		Body: map[string]any{"duration_minutes": 155, "poster_url": "https://images.example.ru/mauser.jpg"}}).want(t, http.StatusOK)
	if patched.num("duration_minutes") != 155 || patched.str("theatre") != "Театр Наций" || patched.str("poster_url") != "https://images.example.ru/mauser.jpg" {
		t.Fatalf("patch did not keep the theatre or change the rest: %s", patched.Raw)
	}
	items := h.get("/search?q=Маузер", admin).want(t, http.StatusOK).items(t)
	if len(items) != 1 || items[0]["duration_minutes"] != float64(155) || items[0]["theatre"] != "Театр Наций" {
		t.Fatalf("search items without details: %v", items)
	}

	bare := h.publish("Чайка", nil, 40000, 24, 0)
	if r := h.get("/premiere/"+bare.String(), "").want(t, http.StatusOK); r.num("duration_minutes") != 0 || r.str("theatre") != "" || r.str("poster_url") != "" {
		t.Fatalf("a premiere without details shows some: %s", r.Raw)
	}
}
