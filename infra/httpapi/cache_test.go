package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
)

// An answer to a signed-in request (a balance, a history, a profile, even a refusal)
// and a sign-in's token are never kept by a shared cache; a public answer keeps its
// own caching.
func TestSignedInAnswersAreNotStored(t *testing.T) {
	h := newHarness(t)
	email := "vera-" + uuid.NewString()[:8] + "@example.ru"
	h.post("/register", "", "", map[string]string{"email": email, "password": "correct horse", "first_name": "Вера", "last_name": "Тестова"}).
		want(t, http.StatusCreated)
	login := h.post("/login", "", "", map[string]string{"email": email, "password": "correct horse"}).want(t, http.StatusOK)
	if cc := login.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("login: Cache-Control %q, want no-store", cc)
	}
	token := login.str("token")
	for _, r := range []response{
		h.get("/billing/amount", token).want(t, http.StatusOK),
		h.get("/users", token).want(t, http.StatusOK),
		h.get("/billing/history", token).want(t, http.StatusOK),
		h.get("/search/?q=x", token).want(t, http.StatusOK),
		h.get("/openapi.json", token).want(t, http.StatusOK),
		h.get("/premiere/"+uuid.NewString(), token).want(t, http.StatusNotFound),
		h.get("/billing/amount", "forged").want(t, http.StatusUnauthorized),
	} {
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q on a signed-in answer, want no-store: %s", cc, r.Raw)
		}
	}
	if cc := h.get("/openapi.json", "").Header.Get("Cache-Control"); cc == "no-store" {
		t.Errorf("the public document lost its caching")
	}
}
