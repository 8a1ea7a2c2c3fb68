package esdbfake

import (
	"regexp"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
)

// defaultSearchWindow is the server's window when a filter says "count" instead of a maximum.
const defaultSearchWindow = 32

// filter is a server-side $all filter on event types or stream names. A nil *filter
// allows everything.
type filter struct {
	onStream bool
	regex    *regexp.Regexp
	prefixes []string
	// checkpointEvery: a filtered subscription sends a checkpoint after this many
	// events considered, so a client can store progress through long filtered-out runs.
	checkpointEvery int
}

func newFilter(opts *streams.ReadReq_Options_FilterOptions) (*filter, error) {
	if opts == nil {
		return nil, nil
	}
	expr, onStream := opts.GetEventType(), false
	if opts.GetStreamIdentifier() != nil {
		expr, onStream = opts.GetStreamIdentifier(), true
	}
	if expr == nil || (expr.GetRegex() == "") == (len(expr.GetPrefix()) == 0) {
		return nil, status.Error(codes.InvalidArgument, "esdbfake: a filter needs either a regex or prefixes")
	}
	f := &filter{onStream: onStream, prefixes: expr.GetPrefix()}
	if expr.GetRegex() != "" {
		re, err := regexp.Compile(expr.GetRegex())
		if err != nil {
			return nil, status.Errorf(codes.InvalidArgument, "esdbfake: filter regex: %v", err)
		}
		f.regex = re
	}
	window := int(opts.GetMax())
	if opts.GetCount() != nil || window == 0 {
		window = defaultSearchWindow
	}
	f.checkpointEvery = window * int(max(opts.GetCheckpointIntervalMultiplier(), 1))
	return f, nil
}

func (f *filter) allows(e *event) bool {
	if f == nil {
		return true
	}
	subject := e.eventType
	if f.onStream {
		subject = e.stream
	}
	if f.regex != nil {
		return f.regex.MatchString(subject)
	}
	for _, p := range f.prefixes {
		if strings.HasPrefix(subject, p) {
			return true
		}
	}
	return false
}
