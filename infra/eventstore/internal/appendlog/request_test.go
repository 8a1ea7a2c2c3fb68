package appendlog

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

func encodeType(e eventlog.EventData) (string, error) { return e.Type, nil }

// TestCheckRefuses: a malformed append is ErrInvalidAppend and nothing is encoded.
func TestCheckRefuses(t *testing.T) {
	id := uuid.New()
	for name, c := range map[string]struct {
		stream string
		events []eventlog.EventData
	}{
		"no stream": {"", []eventlog.EventData{{ID: id, Type: "t"}}},
		"no events": {"s", nil},
		"no id":     {"s", []eventlog.EventData{{Type: "t"}}},
		"no type":   {"s", []eventlog.EventData{{ID: id}}},
		"twice":     {"s", []eventlog.EventData{{ID: id, Type: "t"}, {ID: id, Type: "t"}}},
	} {
		if ids, rows, err := Check(c.stream, c.events, encodeType); !errors.Is(err, eventlog.ErrInvalidAppend) || ids != nil || rows != nil {
			t.Errorf("%s: %v %v %v, want ErrInvalidAppend", name, ids, rows, err)
		}
	}
}

// TestCheckEncodes: ids and rows come in the events' order; an encoder's error is not
// an invalid append.
func TestCheckEncodes(t *testing.T) {
	events := []eventlog.EventData{{ID: uuid.New(), Type: "a"}, {ID: uuid.New(), Type: "b"}}
	ids, rows, err := Check("s", events, encodeType)
	if err != nil || ids[0] != events[0].ID || ids[1] != events[1].ID || rows[0] != "a" || rows[1] != "b" {
		t.Fatalf("%v %v %v", ids, rows, err)
	}
	broken := errors.New("broken")
	_, _, err = Check("s", events, func(eventlog.EventData) (int, error) { return 0, broken })
	if !errors.Is(err, broken) || errors.Is(err, eventlog.ErrInvalidAppend) {
		t.Errorf("encoder error: %v", err)
	}
}
