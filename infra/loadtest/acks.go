package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/chance-video/chance/eventlog"
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

// LogReader reads the whole log in order (eventlog's ReadAll).
type LogReader func(ctx context.Context, after eventlog.Position, limit int) ([]eventlog.Record, error)

// CheckAcks reads an --acks file and the whole log, and returns how many acknowledged
// commands it read and those whose Idempotency-Key no event of the log carries: each
// such command was answered 2xx and then lost.
func CheckAcks(ctx context.Context, acks io.Reader, read LogReader) (checked int, missing []Ack, err error) {
	want := map[string]Ack{}
	sc := bufio.NewScanner(acks)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var a Ack
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil || a.IdempotencyKey == "" {
			return checked, nil, fmt.Errorf("line %d is not an acknowledgement (a JSON object with idempotency_key): %v", line, err)
		}
		want[a.IdempotencyKey] = a
		checked++
	}
	if err := sc.Err(); err != nil {
		return checked, nil, fmt.Errorf("read the acknowledgements: %w", err)
	}
	for after := eventlog.Start; len(want) > 0; {
		batch, err := read(ctx, after, 1000)
		if err != nil {
			return checked, nil, fmt.Errorf("read the log after %s: %w", after, err)
		}
		if len(batch) == 0 {
			break
		}
		for _, r := range batch {
			after = r.Position
			delete(want, r.Metadata.IdempotencyKey)
		}
	}
	for _, a := range want {
		missing = append(missing, a)
	}
	slices.SortFunc(missing, func(x, y Ack) int { return x.At.Compare(y.At) })
	return checked, missing, nil
}
