package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"
)

// Ack is one line of the --acks file: a money-moving command the server answered 2xx.
// After a crash of the server (kill -9 mid-load), every such line must be found in the
// event log: a command acknowledged to the client and then lost is lost money.
type Ack struct {
	Op             string          `json:"op"`    // rent, fill, checkout, cancel, or top-up (the sign-up's)
	Email          string          `json:"email"` // the customer's
	Method         string          `json:"method"`
	Path           string          `json:"path"` // below /api/v1
	IdempotencyKey string          `json:"idempotency_key"`
	Status         int             `json:"status"`
	Body           json.RawMessage `json:"body"` // the answer as sent (payment_id, rental_id, amount, balance …)
	At             time.Time       `json:"at"`   // when the answer was read
}

// OpTopUp is the sign-up's top-up in the --acks file (the report does not count it).
const OpTopUp = "top-up"

// ackLog writes one JSON line per acknowledged command, straight to its writer (no
// buffer: a line is out before the next request is sent, whatever happens to the run).
type ackLog struct {
	mu  sync.Mutex
	w   io.Writer
	n   int
	err error
}

func newAckLog(w io.Writer) *ackLog {
	if w == nil {
		return nil
	}
	return &ackLog{w: w}
}

// record writes a if it is a 2xx answer to a money-moving call; a nil log records nothing.
func (l *ackLog) record(op, email string, c call, a answer) {
	if l == nil || !c.moneyMoving || !a.ok() {
		return
	}
	body := json.RawMessage(a.body)
	if !json.Valid(body) {
		quoted, _ := json.Marshal(string(a.body))
		body = quoted
	}
	line, err := json.Marshal(Ack{Op: op, Email: email, Method: c.method, Path: c.path, IdempotencyKey: a.key,
		Status: a.status, Body: body, At: time.Now().UTC()})
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return
	}
	if err == nil {
		_, err = l.w.Write(append(line, '\n'))
	}
	if err != nil {
		l.err = fmt.Errorf("write the acknowledged commands: %w", err)
		return
	}
	l.n++
}

// result is how many lines were written and the first write error.
func (l *ackLog) result() (int, error) {
	if l == nil {
		return 0, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n, l.err
}
