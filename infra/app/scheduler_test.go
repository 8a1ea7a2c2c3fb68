package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// Reminders and expiries come from the scheduler as the clock moves, once per term
// version; after downtime, one tick issues everything that fell due meanwhile.
func TestSchedulerRemindsOnceAndExpiresAfterDowntime(t *testing.T) {
	sh := newShop(t)
	ctx := context.Background()
	sh.seed()
	token := sh.signUp("dina@example.ru")
	ids := sh.expect(http.StatusOK, call{method: "GET", path: "/search/?q=" + urlq("маузер")})["items"].([]any)
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "f", body: map[string]any{"summ": 1_000_000}})
	short := sh.expect(http.StatusCreated, call{method: "POST", path: "/rent", token: token, key: "r1",
		body: map[string]any{"id": ids[0].(map[string]any)["id"], "period": 4}})["rental_id"].(string)
	sh.expect(http.StatusCreated, call{method: "POST", path: "/rent", token: token, key: "r2",
		body: map[string]any{"id": ids[1].(map[string]any)["id"], "period": 48}})

	tick := func() int {
		t.Helper()
		sh.settle() // the scheduler reads the rentals read model, like every 30 s in production
		n, err := sh.app.Scheduler.Tick(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sh.settle()
		return n
	}
	if n := tick(); n != 0 {
		t.Fatalf("issued %d commands before anything was due", n)
	}
	sh.clock.Advance(3 * time.Hour) // the 4 h term is reminded 1 h before its end
	if n := tick(); n != 1 {
		t.Fatalf("issued %d, want the one reminder", n)
	}
	if n := tick(); n != 0 {
		t.Fatalf("issued %d on a second tick, want none: a reminder goes once per term", n)
	}
	// Extending the term gets it a new reminder, for the new end.
	sh.expect(http.StatusOK, call{method: "POST", path: "/rent/" + short + "/term", token: token, key: "ext", body: map[string]any{"period": 8}})
	sh.clock.Advance(4*time.Hour + 30*time.Minute) // 7.5 h in: the 8 h term's reminder (2 h before) is due
	if n := tick(); n != 1 {
		t.Fatalf("issued %d, want the changed term's reminder", n)
	}

	// Downtime: three days pass with no tick; one tick expires both terms.
	sh.clock.Advance(72 * time.Hour)
	if n := tick(); n != 2 {
		t.Fatalf("issued %d after downtime, want 2 expiries", n)
	}
	token = sh.signIn("dina@example.ru") // the old sign-in expired meanwhile
	mine := sh.expect(http.StatusOK, call{method: "GET", path: "/me/premieres?status=all", token: token})["items"].([]any)
	for _, r := range mine {
		if r.(map[string]any)["status"] != "ended" {
			t.Fatalf("after the terms: %v", mine)
		}
	}
	if active := sh.expect(http.StatusOK, call{method: "GET", path: "/me/premieres", token: token})["items"].([]any); len(active) != 0 {
		t.Fatalf("ended rentals listed by default: %v", active)
	}
	inbox := kinds(sh.expect(http.StatusOK, call{method: "GET", path: "/notifications", token: token})["items"].([]any))
	count := map[string]int{}
	for _, k := range inbox {
		count[k]++
	}
	if count["reminder"] != 2 || count["expired"] != 2 {
		t.Fatalf("inbox kinds %v", count)
	}
}
