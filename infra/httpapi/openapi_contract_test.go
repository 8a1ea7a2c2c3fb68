package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/google/uuid"
	liberrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/paths"

	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/infra/httpapi"
	"github.com/chance-video/chance/infra/readstore/readsqlite"
)

// contract checks every answer the API gives against the document: its status must be
// one the operation lists, its content type one the response lists, its body valid
// against that schema with no member the schema does not declare, and every header it
// sends declared; the request of a successful answer must be one the document allows.
type contract struct {
	spec *apiSpec
	mu   sync.Mutex
	seen map[string]bool // "operationId status"
}

func newContract(t *testing.T) *contract {
	return &contract{spec: loadSpec(t), seen: map[string]bool{}}
}

// headersNotDeclared are sent with every answer and documented once, in the document's
// description (X-Request-Id; Cache-Control: no-store on every signed-in answer), or
// are the content's own.
var headersNotDeclared = []string{"Content-Type", "Content-Length", "X-Request-Id", "Cache-Control"}

// wrap is next, with every answer checked; a violation fails t, naming the request.
func (c *contract) wrap(t *testing.T, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		res := rec.Result()
		if r.Method == http.MethodHead { // net/http never sends a HEAD answer's body; the recorder keeps it
			res.Body = http.NoBody
		}

		checked := r.Clone(context.Background())
		checked.Body = io.NopCloser(bytes.NewReader(body))
		for _, problem := range c.check(checked, body, res) {
			t.Errorf("%s %s → %d: %s\n  body: %s", r.Method, r.URL.Path, rec.Code, problem, shortBody(rec.Body.Bytes()))
		}
	})
}

func shortBody(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "…"
	}
	return string(b)
}

// check returns what the document does not allow of this exchange.
func (c *contract) check(r *http.Request, body []byte, res *http.Response) []string {
	var problems []string
	item, errs, path := paths.FindPath(r, c.spec.model, nil)
	if item == nil || len(errs) > 0 {
		return append(problems, "the document has no operation for it: "+describe(errs))
	}
	op := item.GetOperations().GetOrZero(strings.ToLower(r.Method))
	if op == nil {
		return append(problems, "the document has no "+r.Method+" operation on "+path)
	}
	if ok, errs := c.spec.validator.ValidateHttpResponse(r, res); !ok {
		problems = append(problems, "the answer is not what the document says: "+describe(errs))
	}
	if documented := op.Responses.Codes.GetOrZero(strconv.Itoa(res.StatusCode)); documented != nil {
		for name := range res.Header {
			if slices.ContainsFunc(headersNotDeclared, func(h string) bool { return strings.EqualFold(h, name) }) {
				continue
			}
			declared := false
			for h := range documented.Headers.KeysFromOldest() {
				declared = declared || strings.EqualFold(h, name)
			}
			if !declared {
				problems = append(problems, fmt.Sprintf("header %s is not declared for %d", name, res.StatusCode))
			}
		}
	}
	if res.StatusCode < 300 {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if ok, errs := c.spec.validator.ValidateHttpRequest(r); !ok {
			problems = append(problems, "the API accepted a request the document does not allow: "+describe(errs))
		}
	}
	c.mu.Lock()
	c.seen[op.OperationId+" "+strconv.Itoa(res.StatusCode)] = true
	c.mu.Unlock()
	return problems
}

func describe(errs []*liberrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("\n    " + e.Message + ": " + e.Reason)
		for _, f := range e.SchemaValidationErrors {
			b.WriteString("\n      at " + f.FieldPath + " (" + f.KeywordLocation + "): " + f.Reason)
		}
	}
	return b.String()
}

// exercised lists the operations and statuses seen, sorted.
func (c *contract) exercised() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for k := range c.seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The contract check refuses what the document does not allow: a wrong type, an
// undeclared member, an undeclared status, content type or header.
func TestTheContractCheckRefusesWhatTheDocumentDoesNotAllow(t *testing.T) {
	c := newContract(t)
	answer := func(status int, contentType, body string, header ...string) *http.Response {
		res := &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
		res.Header.Set("Content-Type", contentType)
		for i := 0; i+1 < len(header); i += 2 {
			res.Header.Set(header[i], header[i+1])
		}
		return res
	}
	get := httptest.NewRequest(http.MethodGet, "/api/v1/billing/amount", nil)
	get.Header.Set("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln")
	good := answer(200, "application/json; charset=utf-8", `{"balance": 100, "currency": "RUB"}`)
	if problems := c.check(get, nil, good); len(problems) > 0 {
		t.Fatalf("a documented answer was refused: %v", problems)
	}
	for name, bad := range map[string]*http.Response{
		"a string for a number":  answer(200, "application/json", `{"balance": "100", "currency": "RUB"}`),
		"a member not declared":  answer(200, "application/json", `{"balance": 100, "currency": "RUB", "bonus": 5}`),
		"a status not listed":    answer(http.StatusTeapot, "application/problem+json", `{"type":"about:blank","title":"x","status":418,"detail":"x"}`),
		"a content type unknown": answer(200, "text/plain", `100 RUB`),
		"a header not declared":  answer(200, "application/json", `{"balance": 100, "currency": "RUB"}`, "X-Bonus", "5"),
		"a problem without type": answer(401, "application/problem+json", `{"title":"x","status":401,"detail":"x"}`, "WWW-Authenticate", `Bearer realm="chance"`),
		"a type not documented":  answer(401, "application/problem+json", `{"type":"urn:chance:problem:invented","title":"x","status":401,"detail":"x"}`, "WWW-Authenticate", `Bearer realm="chance"`),
	} {
		if problems := c.check(get, nil, bad); len(problems) == 0 {
			t.Errorf("%s passed the check", name)
		}
	}
}

// A journey through every operation the router serves, with the problems a client
// meets on the way, every answer checked against the document.
func TestEveryAnswerOfAJourneyIsWhatTheDocumentSays(t *testing.T) {
	c := newContract(t)
	var ready atomic.Bool
	ready.Store(true)
	dead := deadLetterDesk(t)
	h := newHarness(t, func(d *httpapi.Deps) {
		d.Ready = func() (bool, string) { return ready.Load(), "2 read models are catching up" }
		d.DeadLetters = dead
	})
	h.api = c.wrap(t, h.api)
	raw := func(method, path string, status int) {
		t.Helper()
		if w := h.raw(method, path); w.Code != status {
			t.Fatalf("%s %s: %d, want %d", method, path, w.Code, status)
		}
	}

	// Operations: health, readiness and the document, also while starting.
	ready.Store(false)
	raw(http.MethodGet, "/readyz", http.StatusServiceUnavailable)
	raw(http.MethodHead, "/readyz", http.StatusServiceUnavailable)
	h.get("/search?q=Маузер", "").problem(t, http.StatusServiceUnavailable)
	doc := h.get("/openapi.json", "").want(t, http.StatusOK)
	h.send(req{Method: http.MethodGet, Path: "/openapi.json", Header: map[string]string{"If-None-Match": doc.Header.Get("ETag")}}).
		want(t, http.StatusNotModified)
	ready.Store(true)
	raw(http.MethodGet, "/metrics", http.StatusOK)
	for _, path := range []string{"/healthz", "/readyz"} {
		raw(http.MethodGet, path, http.StatusOK)
		raw(http.MethodHead, path, http.StatusOK)
	}

	// Accounts.
	token, _ := h.customer("vera")
	email := "nina-" + uuid.NewString()[:8] + "@example.ru"
	signUp := map[string]string{"email": email, "password": "correct horse", "first_name": "Нина", "last_name": "Заречная"}
	h.post("/register", "", "", signUp).want(t, http.StatusCreated)
	h.post("/register", "", "", signUp).problem(t, http.StatusConflict)
	h.post("/register", "", "", map[string]string{"email": "not an address", "password": "correct horse", "first_name": "Н", "last_name": "З"}).
		problem(t, http.StatusBadRequest)
	for range 5 {
		h.post("/login", "", "", map[string]string{"email": email, "password": "wrong horse"}).problem(t, http.StatusUnauthorized)
	}
	h.post("/login", "", "", map[string]string{"email": email, "password": "wrong horse"}).problem(t, http.StatusTooManyRequests)
	h.get("/users", token).want(t, http.StatusOK)
	h.get("/users", "").problem(t, http.StatusUnauthorized)
	h.send(req{Method: http.MethodPatch, Path: "/users", Token: token, Body: map[string]any{"notification_channels": []string{"inbox", "email"}, "phone": "+79991234567"}}).
		want(t, http.StatusOK)
	h.send(req{Method: http.MethodPatch, Path: "/users", Token: token, Body: map[string]any{"notification_channels": []string{"telegram"}, "telegram_chat_id": 123456789}}).
		problem(t, http.StatusUnprocessableEntity)
	h.send(req{Method: http.MethodPatch, Path: "/users", Token: token, Body: map[string]any{"phone": "12"}}).problem(t, http.StatusBadRequest)

	// The catalogue, as admins keep it and customers find it.
	admin := h.withRole("admin", "admin")
	card := map[string]any{"title": "Маузер", "actors": []string{"Евгений Миронов"}, "description": "Премьера сезона",
		"theater_price": 300000, "online_price": 48000, "reservation_hours": 48}
	film := h.post("/admin/premieres", admin, "", card).want(t, http.StatusCreated).str("id")
	h.post("/admin/premieres", token, "", card).problem(t, http.StatusForbidden)
	h.post("/admin/premieres", admin, "", map[string]any{"title": "", "online_price": 1, "reservation_hours": 1}).problem(t, http.StatusBadRequest)
	h.send(req{Method: http.MethodPatch, Path: "/admin/premieres/" + film, Token: admin, Body: map[string]any{"discount_percent": 0, "description": "Премьера сезона!"}}).
		want(t, http.StatusOK)
	second := h.post("/admin/premieres", admin, "", map[string]any{"title": "Маузер: возвращение", "online_price": 24000, "reservation_hours": 24}).
		want(t, http.StatusCreated).str("id")
	third := h.post("/admin/premieres", admin, "", map[string]any{"title": "Чайка", "online_price": 30000, "reservation_hours": 24, "discount_percent": 10}).
		want(t, http.StatusCreated).str("id")
	h.get("/search?q=Маузер&sort=price_asc&limit=10", "").want(t, http.StatusOK)
	h.get("/search?sort=cheapest", "").problem(t, http.StatusBadRequest)
	h.get("/premiere/"+film, token).want(t, http.StatusOK)
	h.get("/premiere/"+uuid.NewString(), "").problem(t, http.StatusNotFound)
	h.get("/premiere/not-a-uuid", "").problem(t, http.StatusBadRequest)
	h.get("/rent/"+film+"?period=12", "").want(t, http.StatusOK)

	// Renting: short of money, topped up, rented, retried, changed, cancelled.
	h.post("/rent", token, uuid.NewString(), map[string]any{"id": film, "period": 12}).problem(t, http.StatusPaymentRequired)
	fillKey := uuid.NewString()
	h.post("/billing/fill", token, fillKey, map[string]any{"summ": 100000}).want(t, http.StatusCreated)
	h.post("/billing/fill", token, fillKey, map[string]any{"summ": 100000}).want(t, http.StatusOK)
	h.post("/billing/fill", token, fillKey, map[string]any{"summ": 5}).problem(t, http.StatusUnprocessableEntity)
	h.post("/billing/fill", token, "", map[string]any{"summ": 5}).problem(t, http.StatusBadRequest)
	rentKey := uuid.NewString()
	rental := h.post("/rent", token, rentKey, map[string]any{"id": film, "period": 12}).want(t, http.StatusCreated).str("rental_id")
	h.post("/rent", token, rentKey, map[string]any{"id": film, "period": 12}).want(t, http.StatusOK)
	h.post("/rent", token, uuid.NewString(), map[string]any{"id": film, "period": 5}).problem(t, http.StatusConflict)
	h.get("/premiere/"+film+"/term", token).want(t, http.StatusOK)
	h.get("/premiere/"+second+"/term", token).problem(t, http.StatusNotFound)
	h.get("/me/premieres", token).want(t, http.StatusOK)
	h.post("/rent/"+rental+"/term", token, uuid.NewString(), map[string]any{"period": 15}).want(t, http.StatusOK)
	h.post("/rent/"+uuid.NewString()+"/term", token, uuid.NewString(), map[string]any{"period": 15}).problem(t, http.StatusNotFound)
	link := h.post("/rentals/"+rental+"/watch", token, "", nil).want(t, http.StatusOK).str("url")
	raw(http.MethodGet, link, http.StatusOK)
	raw(http.MethodGet, "/watch/"+rental+"?exp=1&sig=x", http.StatusForbidden)
	h.post("/rentals/"+uuid.NewString()+"/watch", token, "", nil).problem(t, http.StatusNotFound)
	h.post("/rent/"+rental+"/cancel", token, uuid.NewString(), nil).want(t, http.StatusOK)
	h.post("/rent/"+rental+"/cancel", token, uuid.NewString(), nil).problem(t, http.StatusConflict)
	h.post("/rentals/"+rental+"/watch", token, "", nil).problem(t, http.StatusForbidden, "cancelled")
	h.get("/me/premieres?status=all", token).want(t, http.StatusOK)
	h.get("/me/premieres?status=past", token).problem(t, http.StatusBadRequest)

	// A withdrawal now, redeemed by a rent later.
	price := h.get("/rent/"+second+"?period=6", "").want(t, http.StatusOK).num("price")
	h.post("/billing/withdraw", token, uuid.NewString(), map[string]any{"id": second, "summ": price + 1, "period": 6}).problem(t, http.StatusConflict)
	payment := h.post("/billing/withdraw", token, uuid.NewString(), map[string]any{"id": second, "summ": price, "period": 6}).
		want(t, http.StatusCreated).str("payment_id")
	h.get("/billing/status/"+payment, token).want(t, http.StatusOK)
	h.get("/billing/status/"+uuid.NewString(), token).problem(t, http.StatusNotFound)
	h.post("/rent", token, uuid.NewString(), map[string]any{"id": second, "period": 6, "payment_id": payment}).want(t, http.StatusCreated)

	// The cart and its checkout.
	h.get("/cart/checkout", token).problem(t, http.StatusConflict) // empty
	h.post("/cart/items", token, "", map[string]any{"premiere_id": third, "period": 24}).want(t, http.StatusCreated)
	h.post("/cart/items", token, "", map[string]any{"premiere_id": film, "period": 48, "starts_at": start.Add(24 * 3600e9).Format("2006-01-02T15:04:05Z")}).
		want(t, http.StatusCreated)
	h.send(req{Method: http.MethodPatch, Path: "/cart/items/" + third, Token: token, Body: map[string]any{"period": 12}}).want(t, http.StatusOK)
	h.send(req{Method: http.MethodDelete, Path: "/cart/items/" + uuid.NewString(), Token: token}).problem(t, http.StatusNotFound)
	h.get("/cart", token).want(t, http.StatusOK)
	total := h.get("/cart/checkout", token).want(t, http.StatusOK).num("total")
	h.post("/cart/checkout", token, uuid.NewString(), map[string]any{"expected_total": total + 100}).problem(t, http.StatusConflict)
	checkoutKey := uuid.NewString()
	h.post("/cart/checkout", token, checkoutKey, map[string]any{"expected_total": total}).want(t, http.StatusCreated)
	h.post("/cart/checkout", token, checkoutKey, map[string]any{"expected_total": total}).want(t, http.StatusOK)
	h.post("/cart/items", token, "", map[string]any{"premiere_id": second, "period": 2}).want(t, http.StatusCreated)
	h.send(req{Method: http.MethodDelete, Path: "/cart/items/" + second, Token: token}).want(t, http.StatusOK)

	// Billing and notifications.
	h.get("/billing/amount", token).want(t, http.StatusOK)
	h.get("/billing/history?limit=2", token).want(t, http.StatusOK)
	h.get("/billing/history?from=yesterday", token).problem(t, http.StatusBadRequest)
	h.get("/notifications", token).want(t, http.StatusOK)
	h.get("/notifications?limit=500", token).problem(t, http.StatusBadRequest)

	// Audit.
	auditor := h.withRole("auditor", "auditor")
	h.get("/audit/billing", auditor).want(t, http.StatusOK)
	csv := h.get("/audit/billing?format=csv", auditor).want(t, http.StatusOK)
	if !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("the CSV export is %s", csv.Header.Get("Content-Type"))
	}
	h.get("/audit/billing?format=xml", auditor).problem(t, http.StatusBadRequest)
	h.get("/audit/billing", token).problem(t, http.StatusForbidden)

	// Operations for admins: dead letters here; online rebuilds need the whole app (501).
	letter := dead.record(t)
	h.get("/admin/dead-letters?limit=5", admin).want(t, http.StatusOK)
	h.get("/admin/dead-letters?limit=500", admin).problem(t, http.StatusBadRequest)
	h.post("/admin/dead-letters/"+letter.String()+"/requeue", admin, "", nil).want(t, http.StatusOK)
	h.post("/admin/dead-letters/"+uuid.NewString()+"/requeue", admin, "", nil).problem(t, http.StatusNotFound)
	h.post("/admin/replay/all", admin, "", nil).problem(t, http.StatusNotImplemented)

	// Withdrawn from sale, then signed out.
	h.send(req{Method: http.MethodDelete, Path: "/admin/premieres/" + third, Token: admin}).want(t, http.StatusNoContent)
	// Quoted by the admin who withdrew it, so the read waits for that write (an anonymous
	// quote may still see the premiere on sale for a moment).
	h.get("/rent/"+third+"?period=2", admin).problem(t, http.StatusConflict)
	h.post("/logout", token, "", nil).want(t, http.StatusNoContent)
	h.get("/users", token).problem(t, http.StatusUnauthorized)

	seen := c.exercised()
	t.Logf("%d operation × status pairs checked: %v", len(seen), seen)
	for _, status := range []string{"400", "401", "402", "403", "404", "409", "422", "429", "501", "503"} {
		if !slices.ContainsFunc(seen, func(s string) bool { return strings.HasSuffix(s, " "+status) }) {
			t.Errorf("no answer %s was checked", status)
		}
	}
	// Every operation answered successfully at least once, except the online rebuild,
	// which needs the whole app.
	for _, op := range documentedOperationIDs(c.spec) {
		if op == "rebuildReadModel" || slices.Contains(providerOperations, op) {
			continue
		}
		if !slices.ContainsFunc(seen, func(s string) bool { return strings.HasPrefix(s, op+" 2") }) {
			t.Errorf("the journey never had %s succeed", op)
		}
	}
}

func documentedOperationIDs(spec *apiSpec) []string {
	var ids []string
	for _, item := range spec.model.Paths.PathItems.FromOldest() {
		for _, op := range item.GetOperations().FromOldest() {
			ids = append(ids, op.OperationId)
		}
	}
	return ids
}

// deadLetters is the admins' dead-letter desk over a real read store and an in-process
// bus, with a way to record a dead letter as a consumer's poison queue would.
type deadLetters struct {
	bus.DeadLetters
	store *readsqlite.Store
}

func deadLetterDesk(t *testing.T) *deadLetters {
	t.Helper()
	store, err := readsqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	pub := gochannel.NewGoChannel(gochannel.Config{}, watermill.NopLogger{})
	t.Cleanup(func() { _ = pub.Close() })
	return &deadLetters{DeadLetters: bus.DeadLetters{Store: store, Publisher: pub, Now: func() time.Time { return start }}, store: store}
}

// record dead-letters a message nobody subscribes to (so a requeue of it delivers to no one).
func (d *deadLetters) record(t *testing.T) uuid.UUID {
	t.Helper()
	m := message.NewMessage(uuid.NewString(), []byte(`{"kind":"welcome"}`))
	m.Metadata.Set(middleware.PoisonedHandlerKey, "email")
	m.Metadata.Set(middleware.PoisonedTopicKey, "chance.openapi-test")
	m.Metadata.Set(middleware.ReasonForPoisonedKey, "recipient broken@example.ru: mailbox unavailable")
	m.Metadata.Set("correlation_id", uuid.NewString())
	if err := bus.RecordDeadLetters(d.store, d.Now)(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return bus.DeadLetterID(m.UUID, "email")
}
