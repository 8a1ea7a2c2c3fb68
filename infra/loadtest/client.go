package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// newHTTPClient keeps a connection per client alive: a load generator that dialled per
// request would measure its own handshakes.
func newHTTPClient(concurrency int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        2*concurrency + 16,
			MaxIdleConnsPerHost: 2*concurrency + 16,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}
}

// call is one request.
type call struct {
	method, path string
	body         any    // JSON-encoded if not nil
	token        string // Bearer token, if any
	moneyMoving  bool   // sends a fresh Idempotency-Key
	forwardedFor string // X-Forwarded-For, if any (only a server that trusts us as a proxy reads it)
}

// answer is what came back.
type answer struct {
	status  int // 0: no answer (a transport error)
	body    []byte
	header  http.Header
	key     string // the Idempotency-Key sent, if any
	elapsed time.Duration
	err     error
}

// do sends c to base and reads the whole answer; the time covers both.
func do(ctx context.Context, client *http.Client, base string, c call) answer {
	var payload io.Reader
	if c.body != nil {
		b, err := json.Marshal(c.body)
		if err != nil {
			return answer{err: err}
		}
		payload = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, base+c.path, payload)
	if err != nil {
		return answer{err: err}
	}
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	key := ""
	if c.moneyMoving {
		key = uuid.NewString()
		req.Header.Set("Idempotency-Key", key)
	}
	if c.forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", c.forwardedFor)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return answer{err: err, key: key, elapsed: time.Since(start)}
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return answer{status: resp.StatusCode, body: body, header: resp.Header, key: key, elapsed: time.Since(start), err: err}
}

// ok is a 2xx answer.
func (a answer) ok() bool { return a.err == nil && a.status >= 200 && a.status <= 299 }

// decode reads a 2xx answer's JSON into dst.
func (a answer) decode(dst any) error {
	if !a.ok() {
		return a.problem()
	}
	return json.Unmarshal(a.body, dst)
}

// problem describes a failed answer.
func (a answer) problem() error {
	if a.err != nil {
		return a.err
	}
	body := a.body
	if len(body) > 300 {
		body = body[:300]
	}
	return fmt.Errorf("HTTP %d: %s", a.status, bytes.TrimSpace(body))
}
