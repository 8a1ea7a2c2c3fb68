package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chance-video/chance/commands"
)

// maxNotificationBytes bounds a provider's notification: a payment object is a few KiB.
const maxNotificationBytes = 64 << 10

// maxNotificationsInFlight bounds the notifications verified at once: each asks the
// provider, so a flood of (forged) ones cannot hold many outgoing calls open. One over
// the bound is a 503, which a real provider sends again later.
const maxNotificationsInFlight = 16

// maxNotificationIDBytes bounds the payment id a notification names (YooKassa's are 36
// characters): it is asked about and logged, so a forged one cannot fill the log.
const maxNotificationIDBytes = 64

// yookassaNotification is YooKassa's notification, as far as the shop reads it: only
// the payment's id, to ask YooKassa about. Nothing else in it is trusted.
type yookassaNotification struct {
	Type   string `json:"type"`
	Event  string `json:"event"`
	Object struct {
		ID string `json:"id"`
	} `json:"object"`
}

// yookassaNotified: POST /payments/yookassa/notifications (no JWT: YooKassa calls it).
// The payment is verified with YooKassa and settled on what YooKassa answers; any
// final outcome (settled, ignored, refused) is a 200 so YooKassa stops sending it,
// and only a failure to verify or record it now asks YooKassa to send it again.
func (a *api) yookassaNotified(c *gin.Context) {
	select {
	case a.notifySlots <- struct{}{}:
		defer func() { <-a.notifySlots }()
	default:
		p := newProblem(http.StatusServiceUnavailable, "too many payment notifications at once; send this one again later")
		p.Header = http.Header{"Retry-After": {"5"}}
		a.fail(c, p)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxNotificationBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		a.fail(c, badRequest("a notification is at most %d bytes", maxNotificationBytes))
		return
	case err != nil:
		a.fail(c, badRequest("the notification could not be read: %v", err))
		return
	}
	var n yookassaNotification
	if err := json.Unmarshal(raw, &n); err != nil || n.Object.ID == "" {
		a.fail(c, badRequest("want a notification {type, event, object: {id, …}}"))
		return
	}
	if len(n.Object.ID) > maxNotificationIDBytes || len(n.Event) > maxNotificationIDBytes {
		a.fail(c, badRequest("object.id and event are at most %d bytes", maxNotificationIDBytes))
		return
	}
	ctx := c.Request.Context()
	notice, err := a.cmd.TopUpNotified.Handle(ctx, n.Object.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	attrs := []any{"provider_payment_id", n.Object.ID, "event", n.Event, "payment_id", notice.Payment, "detail", notice.Detail, "request_id", requestID(c)}
	switch notice.Outcome {
	case commands.OutcomeSettled:
		a.log.InfoContext(ctx, "payment notification settled a top-up", append(attrs, "changed", notice.Settled.Changed)...)
	case commands.OutcomeRefused:
		a.log.ErrorContext(ctx, "payment notification refused: nothing credited", attrs...)
	default:
		a.log.WarnContext(ctx, "payment notification ignored", attrs...)
	}
	reply(c, http.StatusOK, map[string]string{"status": "received"})
}
