package bus

import (
	"context"
	"errors"

	"github.com/ThreeDotsLabs/watermill/message"
)

// Observer sees every message a handler takes: the metrics and traces of the
// consumers (infra/observe implements it). It runs on the handler's goroutine.
type Observer interface {
	// Begin is called when handler takes m, before its first attempt. The context it
	// returns becomes the message's (a trace span); end is told how the message ended,
	// after every retry.
	Begin(ctx context.Context, handler string, m *message.Message) (_ context.Context, end func(Outcome))
	// AttemptFailed is told of each failed attempt, retried or not.
	AttemptFailed(handler string)
}

// Outcome is how a handler's message ended.
type Outcome string

// The outcomes of a message.
const (
	Handled      Outcome = "handled"
	DeadLettered Outcome = "dead_lettered" // given up after its retries: on the poison topic
	Failed       Outcome = "failed"        // given back to the bus, to be delivered again (Keep)
	Stopped      Outcome = "stopped"       // the router stopped while handling it: delivered again after a restart
)

// observe tells r's Observer of each message, outside the retries.
func (r *Router) observe(name string, dead bool) message.HandlerMiddleware {
	return func(h message.HandlerFunc) message.HandlerFunc {
		if r.cfg.Observer == nil {
			return h
		}
		return func(m *message.Message) ([]*message.Message, error) {
			ctx, end := r.cfg.Observer.Begin(m.Context(), name, m)
			m.SetContext(ctx)
			out, err := h(m)
			switch {
			case err == nil:
				end(Handled)
			case errors.Is(err, errStopping) || m.Context().Err() != nil:
				end(Stopped)
			case dead:
				end(DeadLettered)
			default:
				end(Failed)
			}
			return out, err
		}
	}
}
