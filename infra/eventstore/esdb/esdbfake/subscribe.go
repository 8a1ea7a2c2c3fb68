package esdbfake

import (
	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
)

// errDropped ends a subscription cut by a test hook, with the code a server restart gives.
var errDropped = status.Error(codes.Unavailable, "esdbfake: subscription dropped")

// subscribe runs a catch-up subscription to $all: confirmation, the stored events after
// the start (a position is exclusive here, unlike in a read), caught-up, then each new
// event as it is appended, until the client cancels or a test hook drops it.
func (s *Server) subscribe(call streams.Streams_ReadServer, from *streams.ReadReq_Options_AllOptions, f *filter, asString bool) error {
	drop, dropAfter := s.subscriptionStarted()
	ctx := call.Context()
	confirm := &streams.ReadResp{Content: &streams.ReadResp_Confirmation{
		Confirmation: &streams.ReadResp_SubscriptionConfirmation{SubscriptionId: uuid.NewString()},
	}}
	if err := call.Send(confirm); err != nil {
		return err
	}

	var next int // index in the log of the next event to consider
	switch start := from.GetAllOption().(type) {
	case *streams.ReadReq_Options_AllOptions_End:
		next = len(s.log.everything())
	case *streams.ReadReq_Options_AllOptions_Position:
		next = firstAfter(s.log.everything(), start.Position, false)
	}

	sent, considered, caughtUp := 0, 0, false
	for {
		pending, changed := s.log.snapshot(next)
		for _, e := range pending {
			select {
			case <-drop:
				return errDropped
			case <-ctx.Done():
				return ctx.Err()
			default:
			}
			next++
			considered++
			if f.allows(e) {
				if err := call.Send(readResp(e, asString)); err != nil {
					return err
				}
				sent++
				if dropAfter > 0 && sent >= dropAfter {
					return errDropped
				}
			}
			if f != nil && considered%f.checkpointEvery == 0 {
				if err := call.Send(checkpoint(e)); err != nil {
					return err
				}
			}
		}
		if !caughtUp {
			caughtUp = true
			if err := call.Send(&streams.ReadResp{Content: &streams.ReadResp_CaughtUp_{CaughtUp: &streams.ReadResp_CaughtUp{}}}); err != nil {
				return err
			}
		}
		select {
		case <-changed:
		case <-drop:
			return errDropped
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func checkpoint(e *event) *streams.ReadResp {
	return &streams.ReadResp{Content: &streams.ReadResp_Checkpoint_{Checkpoint: &streams.ReadResp_Checkpoint{
		CommitPosition: e.commit, PreparePosition: e.prepare,
	}}}
}
