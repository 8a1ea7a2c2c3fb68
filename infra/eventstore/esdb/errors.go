package esdb

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/chance-video/chance/eventlog"
)

func hasCode(err error, code esdb.ErrorCode) bool {
	var clientErr *esdb.Error
	return errors.As(err, &clientErr) && clientErr.IsErrorCode(code)
}

// isNotFound recognises the client's answer for a stream that does not exist: a
// not-found message on the read's first receive (or a NotFound status, which the client
// maps to the same code).
func isNotFound(err error) bool { return hasCode(err, esdb.ErrorCodeResourceNotFound) }

// wrongExpected translates the server's refusal of an append's expectation into the
// port's error, with the stream's actual revision.
func wrongExpected(ctx context.Context, client *esdb.Client, stream string, exp eventlog.Expected, err error) error {
	wrong := &eventlog.WrongExpectedRevisionError{Stream: stream, Expected: exp}
	var clientErr *esdb.Error
	if errors.As(err, &clientErr) {
		if exists, actual, ok := actualFromMessage(clientErr); ok {
			wrong.ActualExists, wrong.Actual = exists, actual
			return wrong
		}
	}
	// The message did not parse (another client version?): ask the stream instead. It may
	// have moved since the refusal, so this Actual is only the best answer available.
	if tail, readErr := lastEvents(ctx, client, stream, 1); readErr == nil && len(tail) == 1 {
		wrong.ActualExists, wrong.Actual = true, tail[0].Revision
	}
	return wrong
}

// actualFromMessage reads the stream's revision out of the client's error.
//
// WARNING: the v4.2.0 client drops the structured fields of the server's answer and keeps
// only the text "wrong expected version: expecting '<expected>' but got '<current>'",
// where <current> is "no_stream" or a number. TestWrongExpectedMessageFormat pins that
// format against the real client; a client upgrade that changes it falls back to a read.
func actualFromMessage(clientErr *esdb.Error) (exists bool, actual uint64, ok bool) {
	if clientErr.Err() == nil {
		return false, 0, false
	}
	msg := clientErr.Err().Error()
	const marker = "but got '"
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return false, 0, false
	}
	current, _, closed := strings.Cut(msg[i+len(marker):], "'")
	if !closed {
		return false, 0, false
	}
	if current == "no_stream" {
		return false, 0, true
	}
	n, err := strconv.ParseUint(current, 10, 64)
	return err == nil, n, err == nil
}

// permanent reports errors that resubscribing cannot cure: wrong credentials or
// permissions, and a closed store. A dropped subscription reports a bare gRPC status,
// a failed call the client's error: both are looked at.
func permanent(err error) bool {
	if errors.Is(err, ErrClosed) || hasCode(err, esdb.ErrorCodeUnauthenticated) || hasCode(err, esdb.ErrorCodeAccessDenied) {
		return true
	}
	code := status.Code(err)
	return code == codes.Unauthenticated || code == codes.PermissionDenied
}
