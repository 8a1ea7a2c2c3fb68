package httpapi_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
)

func TestAuditSeesEveryAccountAndExportsCSV(t *testing.T) {
	h := newHarness(t)
	alice, aliceID := h.customer("alice")
	bob, _ := h.customer("bob")
	h.fill(alice, 1000)
	h.fill(bob, 2000)
	h.fill(alice, 300)
	auditor := h.withRole("auditor", "auditor")

	all := h.get("/audit/billing", auditor).want(t, http.StatusOK).items(t)
	if len(all) != 3 {
		t.Fatalf("audit = %v", all)
	}
	for _, field := range []string{"position", "event_id", "user_id", "kind", "amount", "balance_after", "payment_id", "rental_id", "occurred_at"} {
		if _, ok := all[0][field]; !ok {
			t.Fatalf("audit line lacks %s: %v", field, all[0])
		}
	}
	page := h.get("/audit/billing?user_id="+aliceID.String()+"&limit=1", auditor).want(t, http.StatusOK)
	if len(page.items(t)) != 1 || page.JSON["next_after"] == nil {
		t.Fatalf("alice's first page = %s", page.Raw)
	}
	h.get("/audit/billing?user_id=alice", auditor).problem(t, http.StatusBadRequest, "user_id")
	h.get("/audit/billing?format=xml", auditor).problem(t, http.StatusBadRequest, "json or csv")
	h.get("/audit/billing?from=2026-12-02&to=2026-12-01", auditor).problem(t, http.StatusBadRequest, "before")

	r := h.get("/audit/billing?format=csv&user_id="+aliceID.String(), auditor).want(t, http.StatusOK)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("content type %q", r.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(string(r.Raw))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "position" || rows[1][2] != aliceID.String() || rows[2][5] != "300" || rows[2][6] != "1300" {
		t.Fatalf("csv = %v", rows)
	}
	// Customers see only their own history.
	if mine := h.get("/billing/history", bob).want(t, http.StatusOK).items(t); len(mine) != 1 || mine[0]["amount"] != float64(2000) {
		t.Fatalf("bob's history = %v", mine)
	}
}
