package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/readmodel"
)

// DeadLetters lets admins see the messages a consumer gave up on after its retries,
// and requeue them once the cause is fixed (bus.DeadLetters).
type DeadLetters interface {
	List(ctx context.Context, page, limit int) (bus.DeadLetterPage, error)
	Requeue(ctx context.Context, id uuid.UUID) (readmodel.DeadLetter, error)
}

type deadLetterReply struct {
	ID            uuid.UUID         `json:"id"`
	MessageID     string            `json:"message_id"`
	Topic         string            `json:"topic"`
	Handler       string            `json:"handler"`
	Status        string            `json:"status"`
	Reason        string            `json:"reason"`
	Attempts      int               `json:"attempts"`
	FirstFailedAt time.Time         `json:"first_failed_at"`
	LastFailedAt  time.Time         `json:"last_failed_at"`
	Requeues      int               `json:"requeues"`
	RequeuedAt    *time.Time        `json:"requeued_at"`
	Metadata      map[string]string `json:"metadata"`
	// Payload is the message as published when it is JSON (it is, for notifications);
	// otherwise PayloadBase64 carries its bytes.
	Payload       json.RawMessage `json:"payload,omitempty"`
	PayloadBase64 []byte          `json:"payload_base64,omitempty"`
}

func deadLetterOf(d readmodel.DeadLetter) deadLetterReply {
	out := deadLetterReply{ID: d.ID, MessageID: d.MessageID, Topic: d.Topic, Handler: d.Handler, Status: d.Status,
		Reason: d.Reason, Attempts: d.Attempts, FirstFailedAt: d.FirstFailedAt, LastFailedAt: d.LastFailedAt,
		Requeues: d.Requeues, Metadata: d.Metadata}
	if out.Metadata == nil {
		out.Metadata = map[string]string{}
	}
	if !d.RequeuedAt.IsZero() {
		out.RequeuedAt = &d.RequeuedAt
	}
	if json.Valid(d.Payload) {
		out.Payload = d.Payload
	} else {
		out.PayloadBase64 = d.Payload
	}
	return out
}

// deadLetters: GET /admin/dead-letters?page=&limit= — the most recently failed first.
func (a *api) deadLetters(c *gin.Context) {
	if a.dlq == nil {
		a.fail(c, newProblem(http.StatusNotImplemented, "this server keeps no dead letters"))
		return
	}
	page, err := queryInt(c, "page")
	if err != nil {
		a.fail(c, err)
		return
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		a.fail(c, err)
		return
	}
	got, err := a.dlq.List(c.Request.Context(), page, limit)
	if err != nil {
		a.fail(c, err)
		return
	}
	items := make([]deadLetterReply, 0, len(got.Items))
	for _, d := range got.Items {
		items = append(items, deadLetterOf(d))
	}
	reply(c, http.StatusOK, gin.H{"items": items, "total": got.Total, "page": got.Page, "limit": got.Limit})
}

// requeueDeadLetter: POST /admin/dead-letters/:id/requeue — republishes the message to
// the handler that failed on it. Harmless to repeat: handlers deduplicate by message id.
func (a *api) requeueDeadLetter(c *gin.Context) {
	if a.dlq == nil {
		a.fail(c, newProblem(http.StatusNotImplemented, "this server keeps no dead letters"))
		return
	}
	id, err := pathID(c, "id")
	if err != nil {
		a.fail(c, err)
		return
	}
	d, err := a.dlq.Requeue(c.Request.Context(), id)
	if err != nil {
		a.fail(c, err)
		return
	}
	reply(c, http.StatusOK, deadLetterOf(d))
}
