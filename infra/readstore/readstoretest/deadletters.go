package readstoretest

import (
	"maps"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/readmodel"
)

func deadLetter(n int, failed time.Time) readmodel.DeadLetter {
	return readmodel.DeadLetter{ID: uuid.New(), MessageID: uuid.NewString(), Topic: "chance.send-notify", Handler: "chance.send-notify.email",
		Payload:  []byte(`{"subject":"Покупка №` + string(rune('0'+n)) + `"}`),
		Metadata: map[string]string{"kind": "purchase", "user_id": uuid.NewString()},
		Reason:   "recipient of the message: no such user", Attempts: 5, FailureID: uuid.NewString(),
		FirstFailedAt: failed.Add(-1500 * time.Millisecond), LastFailedAt: failed, Status: readmodel.DeadLetterDead}
}

func canonDeadLetter(d readmodel.DeadLetter) readmodel.DeadLetter {
	d.FirstFailedAt, d.LastFailedAt, d.RequeuedAt = utc(d.FirstFailedAt), utc(d.LastFailedAt), utc(d.RequeuedAt)
	if len(d.Metadata) == 0 {
		d.Metadata = nil
	}
	if len(d.Payload) == 0 {
		d.Payload = nil
	}
	return d
}

func canonDeadLetters(ds []readmodel.DeadLetter) []readmodel.DeadLetter {
	ds = nilIfEmpty(ds)
	out := make([]readmodel.DeadLetter, len(ds))
	for i, d := range ds {
		out[i] = canonDeadLetter(d)
	}
	return nilIfEmpty(out)
}

func lookUpDeadLetter(t *testing.T, s Store, id uuid.UUID) readmodel.DeadLetter {
	t.Helper()
	d, found, err := s.DeadLetter(t.Context(), id)
	if err != nil || !found {
		t.Fatalf("dead letter %s: found %v, %v", id, found, err)
	}
	checkUTC(t, "dead letter", d.FirstFailedAt, d.LastFailedAt, d.RequeuedAt)
	return d
}

// Dead letters read back as recorded, newest failure first, a page at a time, and
// survive a restart.
func testDeadLetters(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	page, err := s.DeadLetters(ctx, readmodel.DeadLetterQuery{Limit: 10})
	if err != nil || page.Total != 0 || len(page.Items) != 0 {
		t.Fatalf("dead letters of an empty store: %+v, %v", page, err)
	}
	if _, found, err := s.DeadLetter(ctx, uuid.New()); found || err != nil {
		t.Fatalf("an unknown dead letter: found %v, %v", found, err)
	}
	older, newest, middle := deadLetter(1, at), deadLetter(2, at.Add(2*time.Hour)), deadLetter(3, at.Add(time.Hour))
	middle.Payload, middle.Metadata = nil, nil // an empty message
	for _, d := range []readmodel.DeadLetter{older, newest, middle} {
		if err := s.RecordDeadLetter(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	same(t, "dead letter", lookUpDeadLetter(t, s, older.ID), older, canonDeadLetter)

	page, err = s.DeadLetters(ctx, readmodel.DeadLetterQuery{Limit: 2})
	if err != nil || page.Total != 3 {
		t.Fatalf("first page: total %d, %v", page.Total, err)
	}
	same(t, "first page, newest first", page.Items, []readmodel.DeadLetter{newest, middle}, canonDeadLetters)
	page, err = s.DeadLetters(ctx, readmodel.DeadLetterQuery{Offset: 2, Limit: 2})
	if err != nil || page.Total != 3 {
		t.Fatalf("second page: total %d, %v", page.Total, err)
	}
	same(t, "second page", page.Items, []readmodel.DeadLetter{older}, canonDeadLetters)
	page, err = s.DeadLetters(ctx, readmodel.DeadLetterQuery{Offset: 5, Limit: 2})
	if err != nil || page.Total != 3 || len(page.Items) != 0 {
		t.Fatalf("past the end: %+v, %v", page, err)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t)
	same(t, "dead letter after a restart", lookUpDeadLetter(t, s, newest.ID), newest, canonDeadLetter)
}

// Recording a dead letter is idempotent by its failure: a redelivery changes nothing,
// a new failure (after a requeue) adds its attempts and makes it dead again; a
// requeue is marked only on the failure it requeued.
func testDeadLetterLifecycle(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	d := deadLetter(1, at)
	if err := s.RecordDeadLetter(ctx, d); err != nil {
		t.Fatal(err)
	}
	again := d
	again.Reason, again.Metadata = "a redelivery of the same failure", map[string]string{}
	if err := s.RecordDeadLetter(ctx, again); err != nil {
		t.Fatal(err)
	}
	same(t, "after a redelivery", lookUpDeadLetter(t, s, d.ID), d, canonDeadLetter)

	requeuedAt := at.Add(time.Minute)
	if err := s.MarkDeadLetterRequeued(ctx, d.ID, d.FailureID, requeuedAt); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDeadLetterRequeued(ctx, d.ID, d.FailureID, requeuedAt.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	requeued := d
	requeued.Status, requeued.Requeues, requeued.RequeuedAt = readmodel.DeadLetterRequeued, 2, requeuedAt.Add(time.Second)
	same(t, "requeued twice", lookUpDeadLetter(t, s, d.ID), requeued, canonDeadLetter)
	if err := s.MarkDeadLetterRequeued(ctx, uuid.New(), "nothing", requeuedAt); err != nil {
		t.Fatalf("marking an unknown dead letter: %v", err)
	}

	failedAgain := d
	failedAgain.FailureID, failedAgain.Attempts, failedAgain.Reason = uuid.NewString(), 3, "still no such user"
	failedAgain.FirstFailedAt, failedAgain.LastFailedAt = at.Add(2*time.Minute), at.Add(3*time.Minute)
	failedAgain.Metadata = maps.Clone(d.Metadata)
	failedAgain.Metadata["attempt"] = "second"
	if err := s.RecordDeadLetter(ctx, failedAgain); err != nil {
		t.Fatal(err)
	}
	want := failedAgain
	want.Attempts, want.FirstFailedAt = 5+3, d.FirstFailedAt
	want.Requeues, want.RequeuedAt = 2, requeued.RequeuedAt
	same(t, "failed again after the requeue", lookUpDeadLetter(t, s, d.ID), want, canonDeadLetter)

	// A late requeue of the old failure does not hide the new one.
	if err := s.MarkDeadLetterRequeued(ctx, d.ID, d.FailureID, at.Add(4*time.Minute)); err != nil {
		t.Fatal(err)
	}
	same(t, "a stale requeue mark", lookUpDeadLetter(t, s, d.ID), want, canonDeadLetter)
}
