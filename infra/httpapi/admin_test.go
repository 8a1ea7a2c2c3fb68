package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/eventlog"
)

// premiereAppends counts the appends to premiere streams and, once armed, fails
// every one after the first, as a store that goes away mid-request would.
type premiereAppends struct {
	commands.EventStore
	count     atomic.Int32
	failLater atomic.Bool
}

var errStoreGone = errors.New("the event store went away")

func (s *premiereAppends) Append(ctx context.Context, stream string, expected eventlog.Expected, events []eventlog.EventData) (eventlog.AppendResult, error) {
	if strings.HasPrefix(stream, "premiere-") {
		if n := s.count.Add(1); n > 1 && s.failLater.Load() {
			return eventlog.AppendResult{}, errStoreGone
		}
	}
	return s.EventStore.Append(ctx, stream, expected, events)
}

// A PATCH that changes the card, the prices and the discount is one command appended
// once: with a store that fails every append after the first, it is recorded whole
// (the first append is all of it), never in part.
func TestAPatchOfSeveralFieldsIsRecordedWholeOrNotAtAll(t *testing.T) {
	store := &premiereAppends{}
	h := newHarnessWith(t, setup{wrap: func(s commands.EventStore) commands.EventStore { store.EventStore = s; return store }})
	admin := h.withRole("admin", "admin")
	id := h.post("/admin/premieres", admin, "", map[string]any{"title": "Маузер", "description": "Премьера",
		"theater_price": 300000, "online_price": 50000, "reservation_hours": 48, "discount_percent": 10}).want(t, http.StatusCreated).str("id")

	store.count.Store(0)
	store.failLater.Store(true)
	r := h.send(req{Method: http.MethodPatch, Path: "/admin/premieres/" + id, Token: admin,
		Body: map[string]any{"title": "Маузер (новая редакция)", "online_price": 60000, "reservation_hours": 24, "discount_percent": 50}})
	if n := store.count.Load(); n != 1 {
		t.Fatalf("the patch took %d appends, want 1", n)
	}
	seen := h.get("/premiere/"+id, admin).want(t, http.StatusOK)
	whole := seen.str("title") == "Маузер (новая редакция)" && seen.num("online_price") == 60000 &&
		seen.num("reservation_hours") == 24 && seen.num("discount_percent") == 50
	untouched := seen.str("title") == "Маузер" && seen.num("online_price") == 50000 &&
		seen.num("reservation_hours") == 48 && seen.num("discount_percent") == 10
	switch {
	case r.Code == http.StatusOK && whole:
	case r.Code >= http.StatusInternalServerError && untouched:
	default:
		t.Fatalf("PATCH answered %d and left the premiere as %s: neither all nor nothing", r.Code, seen.Raw)
	}
	if r.Code != http.StatusOK || r.num("price") != 30000 {
		t.Fatalf("PATCH = %d %s", r.Code, r.Raw)
	}
}
