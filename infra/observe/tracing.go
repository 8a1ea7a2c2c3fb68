package observe

import (
	"context"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/chance-video/chance/infra/bus"

	"github.com/chance-video/chance/eventlog"
)

// Tracing is OpenTelemetry tracing; nil or off: no spans.
type Tracing struct{}

// Enabled reports whether spans are recorded.
func (t *Tracing) Enabled() bool { return false }

func (t *Tracing) startAppend(ctx context.Context, _ string, events []eventlog.EventData) (context.Context, []eventlog.EventData, func(error)) {
	return ctx, events, func(error) {}
}

func (t *Tracing) startMessage(ctx context.Context, _ string, _ *message.Message) (context.Context, func(bus.Outcome)) {
	return ctx, nil
}
