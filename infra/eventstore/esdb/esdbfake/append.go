package esdbfake

import (
	"errors"
	"io"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
)

// streamsService implements the Streams service: Append here, Read in read.go.
type streamsService struct {
	streams.UnimplementedStreamsServer
	server *Server
}

// Append receives the options, then the proposed events, and answers once the client
// closes its side: the protocol of the client's AppendToStream.
func (svc *streamsService) Append(call streams.Streams_AppendServer) error {
	first, err := call.Recv()
	if err != nil {
		return err
	}
	opts := first.GetOptions()
	if opts == nil {
		return status.Error(codes.InvalidArgument, "esdbfake: an append must start with its options")
	}
	stream := string(opts.GetStreamIdentifier().GetStreamName())
	if stream == "" {
		return status.Error(codes.InvalidArgument, "esdbfake: empty stream name")
	}
	var events []proposed
	for {
		req, err := call.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		msg := req.GetProposedMessage()
		if msg == nil {
			return status.Error(codes.InvalidArgument, "esdbfake: expected a proposed message")
		}
		id, ok := uuidFromProto(msg.GetId())
		if !ok {
			return status.Error(codes.InvalidArgument, "esdbfake: invalid event id")
		}
		events = append(events, proposed{
			id: id, eventType: msg.GetMetadata()[keyType], contentType: msg.GetMetadata()[keyContentType],
			data: msg.GetData(), metadata: msg.GetCustomMetadata(),
		})
	}
	return call.SendAndClose(svc.server.append(stream, opts, events))
}

// append checks the expectation and writes, under the log's lock so that concurrent
// appends at the same expectation have exactly one winner.
func (s *Server) append(stream string, opts *streams.AppendReq_Options, events []proposed) *streams.AppendResp {
	l := s.log
	l.mu.Lock()
	defer l.mu.Unlock()
	current := l.streams[stream]
	exists := len(current) > 0
	last := uint64(len(current)) - 1 // meaningful only when exists

	allowed, implied := true, -1 // implied: first revision an exact or no-stream append implies
	switch exp := opts.GetExpectedStreamRevision().(type) {
	case *streams.AppendReq_Options_NoStream:
		allowed, implied = !exists, 0
	case *streams.AppendReq_Options_StreamExists:
		allowed = exists
	case *streams.AppendReq_Options_Revision:
		allowed = exists && last == exp.Revision
		if exp.Revision < uint64(len(current)) { // else nothing can be stored where it implies
			implied = int(exp.Revision) + 1
		}
	}
	if !allowed {
		// The server's idempotency: ids already stored at the revisions the expectation
		// implies make the append succeed without writing. Only for NoStream and exact
		// revisions; under Any the server's check is best-effort and the fake has none.
		if stored := sameIDsAt(current, implied, events); stored != nil {
			return success(stored)
		}
		return wrongExpectedVersion(opts, exists, last)
	}
	if len(events) == 0 {
		return &streams.AppendResp{Result: &streams.AppendResp_Success_{Success: currentState(exists, last)}}
	}
	written := l.writeLocked(stream, events)
	l.appends++
	if l.appends%2 == 0 { // a server's own events land between user events
		l.writeLocked("$stats-127.0.0.1:2113", []proposed{systemEvent("$statsCollected")})
	} else {
		l.writeLocked("$monitoring", []proposed{systemEvent("heartbeat")}) // type passes a type filter
	}
	return success(written[len(written)-1])
}

// sameIDsAt returns the last of the stored events at revisions from, from+1, … when
// their ids are exactly the proposed ones, in order; nil otherwise.
func sameIDsAt(current []*event, from int, events []proposed) *event {
	if from < 0 || len(events) == 0 || from+len(events) > len(current) {
		return nil
	}
	for i, p := range events {
		if current[from+i].id != p.id {
			return nil
		}
	}
	return current[from+len(events)-1]
}

// success answers with the last event's revision and its position in the log.
// (A real server answers with its commit position in both halves; for the events it
// writes today that is the last event's position.)
func success(last *event) *streams.AppendResp {
	return &streams.AppendResp{Result: &streams.AppendResp_Success_{Success: &streams.AppendResp_Success{
		CurrentRevisionOption: &streams.AppendResp_Success_CurrentRevision{CurrentRevision: last.revision},
		PositionOption: &streams.AppendResp_Success_Position{Position: &streams.AppendResp_Position{
			CommitPosition: last.commit, PreparePosition: last.prepare,
		}},
	}}}
}

func currentState(exists bool, last uint64) *streams.AppendResp_Success {
	res := &streams.AppendResp_Success{PositionOption: &streams.AppendResp_Success_NoPosition{NoPosition: &shared.Empty{}}}
	if exists {
		res.CurrentRevisionOption = &streams.AppendResp_Success_CurrentRevision{CurrentRevision: last}
	} else {
		res.CurrentRevisionOption = &streams.AppendResp_Success_NoStream{NoStream: &shared.Empty{}}
	}
	return res
}

// wrongExpectedVersion fills the current and expected fields the v4 client reads (the
// legacy 20.6 fields are left out: no v4 client reads them).
func wrongExpectedVersion(opts *streams.AppendReq_Options, exists bool, last uint64) *streams.AppendResp {
	wrong := &streams.AppendResp_WrongExpectedVersion{}
	if exists {
		wrong.CurrentRevisionOption = &streams.AppendResp_WrongExpectedVersion_CurrentRevision{CurrentRevision: last}
	} else {
		wrong.CurrentRevisionOption = &streams.AppendResp_WrongExpectedVersion_CurrentNoStream{CurrentNoStream: &shared.Empty{}}
	}
	switch exp := opts.GetExpectedStreamRevision().(type) {
	case *streams.AppendReq_Options_Revision:
		wrong.ExpectedRevisionOption = &streams.AppendResp_WrongExpectedVersion_ExpectedRevision{ExpectedRevision: exp.Revision}
	case *streams.AppendReq_Options_NoStream:
		wrong.ExpectedRevisionOption = &streams.AppendResp_WrongExpectedVersion_ExpectedNoStream{ExpectedNoStream: &shared.Empty{}}
	case *streams.AppendReq_Options_StreamExists:
		wrong.ExpectedRevisionOption = &streams.AppendResp_WrongExpectedVersion_ExpectedStreamExists{ExpectedStreamExists: &shared.Empty{}}
	default:
		wrong.ExpectedRevisionOption = &streams.AppendResp_WrongExpectedVersion_ExpectedAny{ExpectedAny: &shared.Empty{}}
	}
	return &streams.AppendResp{Result: &streams.AppendResp_WrongExpectedVersion_{WrongExpectedVersion: wrong}}
}
