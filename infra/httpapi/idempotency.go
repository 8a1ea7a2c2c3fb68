package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
)

// Idempotency-Key handling follows the IETF httpapi idempotency-key draft. The
// commands do the deduplication that matters: the key and the request's
// fingerprint travel in the events' metadata, so a retry finds the original
// outcome even after a restart, and the same key with another fingerprint is a
// 422. This layer adds what needs the HTTP request: the key is required, the
// fingerprint is computed, and a retry that arrives while the original is still
// running is refused with a 409 instead of queueing behind it.
const (
	headerIdempotencyKey = "Idempotency-Key"
	headerReplayed       = "Idempotent-Replayed"
	// maxKeyLength bounds a key; the draft suggests UUIDs, 36 characters.
	maxKeyLength = 255
)

const requestKey = "chance.request"

// idempotent requires an Idempotency-Key on a request that moves money, computes the
// request's fingerprint and holds the key for the request's duration.
func (a *api) idempotent(c *gin.Context) {
	key, err := oneKey(c.Request.Header.Values(headerIdempotencyKey))
	if err != nil {
		a.fail(c, err)
		return
	}
	fingerprint, err := a.fingerprint(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	user := callerID(c)
	if !a.inFlight.acquire(user, key) {
		a.fail(c, keyInFlight())
		return
	}
	defer a.inFlight.release(user, key)
	req := a.request(c)
	req.Key, req.Fingerprint = key, fingerprint
	c.Set(requestKey, req)
	c.Next()
}

// oneKey is the request's one Idempotency-Key. Two headers (even equal ones), or one
// holding a comma-separated list (what a proxy makes of two), are ambiguous: which
// request a retry repeats must never depend on which header a server reads.
func oneKey(values []string) (string, error) {
	switch {
	case len(values) == 0:
		return "", badRequest("this request moves money and needs an %s header: a fresh random value (a UUID) per request, "+
			"sent again unchanged when retrying it", headerIdempotencyKey)
	case len(values) > 1:
		return "", badRequest("the request has %d %s headers; send exactly one, so that a retry is unambiguous", len(values), headerIdempotencyKey)
	}
	return values[0], checkKey(values[0])
}

func checkKey(key string) error {
	switch {
	case strings.TrimSpace(key) == "": // a server trims the value; httptest and proxies may not
		return badRequest("the %s header is empty: send a fresh random value (a UUID) per request, "+
			"sent again unchanged when retrying it", headerIdempotencyKey)
	case len(key) > maxKeyLength:
		return badRequest("the %s header must be at most %d characters long", headerIdempotencyKey, maxKeyLength)
	case strings.Contains(key, ","):
		return badRequest("the %s header holds a list (a comma); send exactly one key, without commas", headerIdempotencyKey)
	case strings.IndexFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0:
		return badRequest("the %s header must be printable ASCII without spaces", headerIdempotencyKey)
	}
	return nil
}

// fingerprint is the SHA-256 of the method, the route's path (without a trailing
// slash, so /rent and /rent/ are one request) and the canonical JSON body.
func (a *api) fingerprint(c *gin.Context) (string, error) {
	b, err := body(c)
	if err != nil {
		return "", err
	}
	canonical, err := canonicalJSON(b)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(c.Request.Method + "\n" + strings.TrimSuffix(c.Request.URL.Path, "/") + "\n"))
	h.Write(canonical)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// request is the commands.Request of this HTTP request.
func (a *api) request(c *gin.Context) commands.Request {
	if v, ok := c.Get(requestKey); ok {
		return v.(commands.Request)
	}
	id := requestID(c)
	return commands.Request{UserID: callerID(c), CorrelationID: id, CausationID: id}
}

// replyCommand answers a money-moving command: status (201, or 200 for an update) the
// first time, 200 with Idempotent-Replayed when the command found the original outcome.
func replyCommand(c *gin.Context, status int, replayed bool, v any) {
	if replayed {
		c.Header(headerReplayed, "true")
		status = http.StatusOK
	}
	reply(c, status, v)
}

// inFlight holds the (user, key) pairs of requests running in this process. Other
// instances do not see it; for them the commands' optimistic concurrency still
// ensures a key moves money once.
type inFlight struct {
	mu   sync.Mutex
	keys map[string]struct{}
}

func newInFlight() *inFlight { return &inFlight{keys: map[string]struct{}{}} }

func (f *inFlight) acquire(user uuid.UUID, key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := user.String() + "\x00" + key
	if _, busy := f.keys[k]; busy {
		return false
	}
	f.keys[k] = struct{}{}
	return true
}

func (f *inFlight) release(user uuid.UUID, key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.keys, user.String()+"\x00"+key)
}
