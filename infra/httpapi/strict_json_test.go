package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
)

// Field names are case-sensitive and a name given twice is refused (issue 7:
// {"Summ":100} was taken as summ, and {"summ":1,"summ":100000000} credited the last).
// Nothing is credited, and the refused request's key is still free.
func TestBodiesAreDecodedStrictly(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("olga")
	for _, tc := range []struct {
		name, body string
		detailHas  []string
	}{
		{"another case", `{"Summ":100}`, []string{`unknown field "Summ"`, "case-sensitive", `did you mean "summ"?`}},
		{"all capitals", `{"SUMM":100}`, []string{`unknown field "SUMM"`}},
		{"a repeated name", `{"summ":1,"summ":100000000}`, []string{`"summ"`, "more than once"}},
		{"a repeated name spelt with an escape", `{"summ":1,"s\u0075mm":100000000}`, []string{`"summ"`, "more than once"}},
		{"invalid UTF-8", "{\"summ\":1,\"x\":\"\xff\"}", []string{"not valid JSON", "UTF-8"}},
		{"null", `null`, []string{"must be a JSON object, not null"}},
		{"a string", `"100"`, []string{"must be a JSON object, not a string"}},
		{"an exponent", `{"summ":1e3}`, []string{`"summ"`, "whole number", "1e3"}},
		{"out of range", `{"summ":99999999999999999999}`, []string{`"summ"`, "out of range"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := uuid.NewString()
			h.post("/billing/fill", token, key, tc.body).problem(t, http.StatusBadRequest, tc.detailHas...)
			if tc.name == "a repeated name" {
				// Refused before fingerprinting: the key is not spent on the bad body.
				h.post("/billing/fill", token, key, `{"summ":1}`).want(t, http.StatusCreated)
			}
		})
	}
	if got := h.balance(token); got != 1 {
		t.Fatalf("balance %d, want 1 (only the well-formed fill)", got)
	}

	// Nested objects obey the same rules (the admin's card, through PATCH).
	admin := h.withRole("admin", "admin")
	film := h.publish("Маузер", nil, 50000, 48, 0)
	h.send(req{Method: http.MethodPatch, Path: "/admin/premieres/" + film.String(), Token: admin, Body: `{"title":"A","title":"B"}`}).
		problem(t, http.StatusBadRequest, `"title"`, "more than once")
	h.send(req{Method: http.MethodPatch, Path: "/admin/premieres/" + film.String(), Token: admin, Body: `{"actors":["a", 1]}`}).
		problem(t, http.StatusBadRequest, `"actors[1]"`, "string", "number")
}

// Whitespace, member order and string escapes do not change a request's
// fingerprint: a client that re-serialises a retry gets the original answer.
func TestFingerprintIgnoresInsignificantDifferences(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("pavel")
	film := h.publish("Маузер", nil, 50000, 48, 0)
	h.fill(token, 100000)
	key := uuid.NewString()
	h.post("/billing/withdraw", token, key, `{"id":"`+film.String()+`","summ":12500,"period":12}`).want(t, http.StatusCreated)
	again := h.post("/billing/withdraw", token, key, "{ \"period\" : 12,\n \"summ\":12500, \"\\u0069d\":\""+film.String()+"\" }").want(t, http.StatusOK)
	if again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("a re-serialised retry was not a replay: %s", again.Raw)
	}
	if got := h.balance(token); got != 100000-12500 {
		t.Fatalf("balance %d, want one withdrawal", got)
	}
}
