package notifications

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/eventlog"
)

// Log is what the notifier needs of the event store.
type Log interface {
	Subscribe(ctx context.Context, after eventlog.Position, handle func(ctx context.Context, batch []eventlog.Record) error) error
}

// Checkpoints remember how far the notifier has got.
type Checkpoints interface {
	Load(ctx context.Context, name string) (eventlog.Position, error)
	Save(ctx context.Context, name string, pos eventlog.Position) error
}

// Progress is told how far the notifier has got. Queries never wait for it (a sender
// may be retrying a message); tests wait on it to see the inbox filled.
type Progress interface {
	Set(name string, pos eventlog.Position)
}

// Name identifies the notifier's checkpoint and progress.
//
// WARNING: renaming it makes the notifier start from zero and re-send every message
// (senders deduplicate by message id, email servers do not).
const Name = "notifier_v1"

// Notifier follows the log and publishes the policy's messages on Topic. Messages are
// published before the checkpoint moves, so a crash re-publishes (at least once) and
// never loses one; each message id derives from its event, for senders to deduplicate.
type Notifier struct {
	Log         Log
	Lookup      Lookup
	Publisher   message.Publisher
	Checkpoints Checkpoints
	Progress    Progress // optional
	codec       *codec.Codec
}

// Run publishes messages for every event after the checkpoint, then for new ones,
// until ctx ends.
func (n *Notifier) Run(ctx context.Context) error {
	n.codec = codec.Shop()
	from, err := n.Checkpoints.Load(ctx, Name)
	if err != nil {
		return fmt.Errorf("notifier checkpoint: %w", err)
	}
	n.report(from)
	return n.Log.Subscribe(ctx, from, func(ctx context.Context, batch []eventlog.Record) error {
		for _, rec := range batch {
			if err := n.handle(ctx, rec); err != nil {
				return fmt.Errorf("notify %s@%d: %w", rec.StreamID, rec.Revision, err)
			}
		}
		// A shutdown while publishing may have dropped messages the senders never
		// acked: keep the checkpoint where it was, so the next start sends them.
		if err := ctx.Err(); err != nil {
			return err
		}
		last := batch[len(batch)-1].Position
		if err := n.Checkpoints.Save(ctx, Name, last); err != nil {
			return err
		}
		n.report(last)
		return nil
	})
}

func (n *Notifier) handle(ctx context.Context, rec eventlog.Record) error {
	if !composes[rec.Type] {
		return nil
	}
	e, err := n.codec.Decode(rec.Type, rec.Data)
	if err != nil {
		return err
	}
	msgs, err := Compose(ctx, n.Lookup, rec, e)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		payload, err := json.Marshal(m)
		if err != nil {
			return err
		}
		wm := message.NewMessage(m.ID.String(), payload)
		wm.Metadata.Set("kind", m.Kind)
		wm.Metadata.Set("user_id", m.UserID.String())
		if err := n.Publisher.Publish(Topic, wm); err != nil {
			return fmt.Errorf("publish %s: %w", m.ID, err)
		}
	}
	return nil
}

func (n *Notifier) report(pos eventlog.Position) {
	if n.Progress != nil {
		n.Progress.Set(Name, pos)
	}
}

// Decode reads a Message from a bus message.
func Decode(m *message.Message) (Message, error) {
	var msg Message
	if err := json.Unmarshal(m.Payload, &msg); err != nil {
		return Message{}, fmt.Errorf("notification %s: %w", m.UUID, err)
	}
	return msg, nil
}
