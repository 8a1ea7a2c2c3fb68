package bus

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/readmodel"
)

// Metadata a Router adds to a failing message, which the poison queue publishes with
// it beside Watermill's reason_poisoned, topic_poisoned and handler_poisoned.
//
// WARNING: dead letters already recorded (and messages in a Kafka poison topic) carry
// these keys: never rename one.
const (
	MetaAttempts      = "chance_attempts"        // failed attempts in this round of retries
	MetaFirstFailedAt = "chance_first_failed_at" // RFC 3339, UTC
	MetaLastFailedAt  = "chance_last_failed_at"
	MetaFailureID     = "chance_failure_id" // names this round of retries
	// MetaRequeuedFor, on a requeued message, names the one handler it is for; the
	// others skip it.
	MetaRequeuedFor = "chance_requeued_for"
)

// failureKeys describe a failure, not the message: they are not kept with the
// message's own metadata, so a requeued message starts a fresh round.
var failureKeys = []string{MetaAttempts, MetaFirstFailedAt, MetaLastFailedAt, MetaFailureID, MetaRequeuedFor,
	middleware.ReasonForPoisonedKey, middleware.PoisonedTopicKey, middleware.PoisonedHandlerKey, middleware.PoisonedSubscriberKey}

// DeadLetterStore keeps dead letters where admins see them (the read store).
type DeadLetterStore interface {
	// RecordDeadLetter stores a dead letter. Recording one of the same id again is
	// ignored if its FailureID is the stored one (a redelivery); otherwise it is a new
	// failure: its attempts add up, its reason, times, payload and metadata replace
	// the stored ones, and it is dead again.
	RecordDeadLetter(ctx context.Context, d readmodel.DeadLetter) error
	// DeadLetters pages through the dead letters, the most recently failed first.
	DeadLetters(ctx context.Context, q readmodel.DeadLetterQuery) (readmodel.DeadLetterPage, error)
	DeadLetter(ctx context.Context, id uuid.UUID) (readmodel.DeadLetter, bool, error)
	// MarkDeadLetterRequeued marks a dead letter requeued at at, unless it failed
	// again meanwhile (its FailureID is no longer failureID).
	MarkDeadLetterRequeued(ctx context.Context, id uuid.UUID, failureID string, at time.Time) error
}

// deadLetterNamespace derives dead letters' ids.
//
// WARNING: changing it gives recorded dead letters new ids on their next failure
// (duplicates in the list).
var deadLetterNamespace = uuid.MustParse("8c3f6f0e-2d5b-4a51-9a7e-3b0f1c9d6e21")

// DeadLetterID is the id of the dead letter of a message a handler failed on.
func DeadLetterID(messageID, handler string) uuid.UUID {
	return uuid.NewSHA1(deadLetterNamespace, []byte(messageID+"/"+handler))
}

// RecordDeadLetters is the handler of a poison topic: it stores each dead letter.
func RecordDeadLetters(store DeadLetterStore, now func() time.Time) Handler {
	return func(ctx context.Context, m *message.Message) error {
		d := deadLetterOf(m, now)
		if err := store.RecordDeadLetter(ctx, d); err != nil {
			return fmt.Errorf("record dead letter of %s (%s): %w", d.MessageID, d.Handler, err)
		}
		return nil
	}
}

func deadLetterOf(m *message.Message, now func() time.Time) readmodel.DeadLetter {
	handler := m.Metadata.Get(middleware.PoisonedHandlerKey)
	meta := maps.Clone(map[string]string(m.Metadata))
	for _, k := range failureKeys {
		delete(meta, k)
	}
	for k, v := range meta {
		meta[k] = storable(v)
	}
	d := readmodel.DeadLetter{
		ID: DeadLetterID(m.UUID, handler), MessageID: m.UUID, Handler: handler,
		Topic: m.Metadata.Get(middleware.PoisonedTopicKey), Payload: m.Payload, Metadata: meta,
		Reason: trimmed(m.Metadata.Get(middleware.ReasonForPoisonedKey)), Attempts: max(metaInt(m, MetaAttempts), 1),
		FailureID:     m.Metadata.Get(MetaFailureID),
		FirstFailedAt: metaTime(m, MetaFirstFailedAt, now), LastFailedAt: metaTime(m, MetaLastFailedAt, now),
		Status: readmodel.DeadLetterDead,
	}
	if d.FailureID == "" { // poisoned by a router without failure metadata
		d.FailureID = d.ID.String() + "/" + d.LastFailedAt.Format(time.RFC3339Nano)
	}
	return d
}

func metaInt(m *message.Message, key string) int {
	n, _ := strconv.Atoi(m.Metadata.Get(key))
	return n
}

func metaTime(m *message.Message, key string, now func() time.Time) time.Time {
	t, err := time.Parse(time.RFC3339Nano, m.Metadata.Get(key))
	if err != nil {
		return now().UTC()
	}
	return t
}

// ErrUnknownDeadLetter: no dead letter has the id (a 404 over HTTP).
var ErrUnknownDeadLetter = domain.NotFound("there is no dead letter with this id")

// Bounds of a page of dead letters.
const (
	DefaultDeadLetterLimit = 20
	MaxDeadLetterLimit     = 100
	MaxDeadLetterPage      = 10_000
)

// DeadLetters lets admins list dead letters and requeue them.
type DeadLetters struct {
	Store     DeadLetterStore
	Publisher message.Publisher
	Now       func() time.Time
	// Renamed maps a topic renamed since dead letters were recorded on it to its
	// current name, where they are requeued.
	Renamed map[string]string
}

// DeadLetterPage is a page of dead letters with the bounds it was read with.
type DeadLetterPage struct {
	readmodel.DeadLetterPage
	Page, Limit int
}

// List returns page (from 1) of dead letters, limit to a page, the most recently failed
// first. Zero page and limit take the defaults (1 and 20).
func (d DeadLetters) List(ctx context.Context, page, limit int) (DeadLetterPage, error) {
	switch {
	case page < 0 || page > MaxDeadLetterPage:
		return DeadLetterPage{}, domain.Invalid(fmt.Sprintf("page must be from 1 to %d, got %d", MaxDeadLetterPage, page))
	case limit < 0 || limit > MaxDeadLetterLimit:
		return DeadLetterPage{}, domain.Invalid(fmt.Sprintf("limit must be from 1 to %d, got %d", MaxDeadLetterLimit, limit))
	}
	page, limit = max(page, 1), cmp.Or(limit, DefaultDeadLetterLimit)
	got, err := d.Store.DeadLetters(ctx, readmodel.DeadLetterQuery{Offset: (page - 1) * limit, Limit: limit})
	if err != nil {
		return DeadLetterPage{}, fmt.Errorf("list dead letters: %w", err)
	}
	return DeadLetterPage{DeadLetterPage: got, Page: page, Limit: limit}, nil
}

// Requeue republishes a dead letter's message on its original topic, for the handler
// that failed on it only (the others skip it; all of them deduplicate by message id
// anyway, so requeueing twice is harmless), and marks it requeued. On the in-process
// bus it returns once the handler has handled the message or dead-lettered it again;
// the returned dead letter then says which.
func (d DeadLetters) Requeue(ctx context.Context, id uuid.UUID) (readmodel.DeadLetter, error) {
	dl, found, err := d.Store.DeadLetter(ctx, id)
	if err != nil {
		return readmodel.DeadLetter{}, fmt.Errorf("requeue dead letter %s: %w", id, err)
	}
	if !found {
		return readmodel.DeadLetter{}, fmt.Errorf("requeue dead letter %s: %w", id, ErrUnknownDeadLetter)
	}
	m := message.NewMessage(dl.MessageID, dl.Payload)
	maps.Copy(m.Metadata, dl.Metadata)
	m.Metadata.Set(MetaRequeuedFor, dl.Handler)
	topic := cmp.Or(d.Renamed[dl.Topic], dl.Topic)
	if err := d.Publisher.Publish(topic, m); err != nil {
		return readmodel.DeadLetter{}, fmt.Errorf("requeue dead letter %s to %s: %w", id, topic, err)
	}
	// Marked after the publish: if the handler failed again meanwhile, the dead letter
	// already records the new failure and stays dead.
	if err := d.Store.MarkDeadLetterRequeued(ctx, id, dl.FailureID, d.Now()); err != nil {
		return readmodel.DeadLetter{}, fmt.Errorf("requeue dead letter %s: %w", id, err)
	}
	dl, _, err = d.Store.DeadLetter(ctx, id)
	if err != nil {
		return readmodel.DeadLetter{}, fmt.Errorf("requeue dead letter %s: %w", id, err)
	}
	return dl, nil
}

// trimmed shortens an error reason kept with a dead letter, and makes it storable.
func trimmed(s string) string {
	const limit = 4000
	if len(s) <= limit {
		return storable(s)
	}
	return storable(s[:limit]) + "…"
}

// storable is text every store accepts: valid UTF-8 without NUL (PostgreSQL's text and
// jsonb refuse both). An error reason quoting a hostile input must not make its dead
// letter unrecordable, or the recorder would retry it forever and hold back the rest.
func storable(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
