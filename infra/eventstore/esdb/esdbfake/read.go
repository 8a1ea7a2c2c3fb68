package esdbfake

import (
	"sort"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
)

// Read serves the three kinds of Read call the client makes: a stream read, a $all read
// and a catch-up subscription to $all (subscribe.go).
func (svc *streamsService) Read(req *streams.ReadReq, call streams.Streams_ReadServer) error {
	opts := req.GetOptions()
	if opts == nil {
		return status.Error(codes.InvalidArgument, "esdbfake: a read needs options")
	}
	asString := opts.GetUuidOption().GetString_() != nil
	f, err := newFilter(opts.GetFilter())
	if err != nil {
		return err
	}
	s := svc.server
	switch {
	case opts.GetSubscription() != nil && opts.GetAll() != nil:
		return s.subscribe(call, opts.GetAll(), f, asString)
	case opts.GetSubscription() != nil:
		return status.Error(codes.Unimplemented, "esdbfake: only subscriptions to $all are implemented")
	case opts.GetStream() != nil:
		return s.readStream(call, opts, asString)
	case opts.GetAll() != nil:
		return s.readAll(call, opts, f, asString)
	}
	return status.Error(codes.InvalidArgument, "esdbfake: a read needs a stream or $all")
}

// readStream sends up to count events of one stream from the requested revision, or
// stream-not-found. A revision past the end reads nothing, without an error.
func (s *Server) readStream(call streams.Streams_ReadServer, opts *streams.ReadReq_Options, asString bool) error {
	name := opts.GetStream().GetStreamIdentifier().GetStreamName()
	events, ok := s.log.stream(string(name))
	if !ok {
		return call.Send(&streams.ReadResp{Content: &streams.ReadResp_StreamNotFound_{
			StreamNotFound: &streams.ReadResp_StreamNotFound{StreamIdentifier: &shared.StreamIdentifier{StreamName: name}},
		}})
	}
	backwards := opts.GetReadDirection() == streams.ReadReq_Options_Backwards
	var i int // first index to send
	switch from := opts.GetStream().GetRevisionOption().(type) {
	case *streams.ReadReq_Options_StreamOptions_Start:
		i = 0
	case *streams.ReadReq_Options_StreamOptions_End:
		i = len(events)
		if backwards {
			i = len(events) - 1
		}
	case *streams.ReadReq_Options_StreamOptions_Revision:
		i = len(events)
		if from.Revision < uint64(len(events)) {
			i = int(from.Revision)
		} else if backwards {
			i = len(events) - 1
		}
	}
	return sendFrom(call, events, i, backwards, opts.GetCount(), nil, asString)
}

// readAll sends up to count events of the whole log: forwards from a position
// inclusive, backwards from a position exclusive, as the server's $all reads do.
func (s *Server) readAll(call streams.Streams_ReadServer, opts *streams.ReadReq_Options, f *filter, asString bool) error {
	events := s.log.everything()
	backwards := opts.GetReadDirection() == streams.ReadReq_Options_Backwards
	var i int
	switch from := opts.GetAll().GetAllOption().(type) {
	case *streams.ReadReq_Options_AllOptions_Start:
		i = 0
		if backwards {
			i = -1
		}
	case *streams.ReadReq_Options_AllOptions_End:
		i = len(events)
		if backwards {
			i = len(events) - 1
		}
	case *streams.ReadReq_Options_AllOptions_Position:
		i = firstAfter(events, from.Position, true) // first at or after the position
		if backwards {
			i-- // last before it
		}
	}
	return sendFrom(call, events, i, backwards, opts.GetCount(), f, asString)
}

// firstAfter is the index of the first event after pos (or at it, when inclusive).
func firstAfter(events []*event, pos *streams.ReadReq_Options_Position, inclusive bool) int {
	c, p := pos.GetCommitPosition(), pos.GetPreparePosition()
	return sort.Search(len(events), func(i int) bool {
		e := events[i]
		return e.after(c, p) || (inclusive && e.commit == c && e.prepare == p)
	})
}

// sendFrom sends events[i], then the following (or preceding) ones, up to count that f allows.
func sendFrom(call streams.Streams_ReadServer, events []*event, i int, backwards bool, count uint64, f *filter, asString bool) error {
	step := 1
	if backwards {
		step = -1
	}
	for sent := uint64(0); i >= 0 && i < len(events) && sent < count; i += step {
		if !f.allows(events[i]) {
			continue
		}
		if err := call.Send(readResp(events[i], asString)); err != nil {
			return err
		}
		sent++
	}
	return nil
}
