package kafkabus

import (
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
)

// An event is keyed by its stream, a notification by its customer, anything else by
// its own id.
func TestPartitionKey(t *testing.T) {
	m := message.NewMessage("id-1", nil)
	for _, c := range []struct{ key, value, want string }{
		{"", "", "id-1"},
		{"user_id", "u-1", "u-1"},
		{"stream_id", "rental-1", "rental-1"}, // over user_id, which events carry too
	} {
		if c.key != "" {
			m.Metadata.Set(c.key, c.value)
		}
		if got, _ := partitionKey("t", m); got != c.want {
			t.Errorf("after %s=%s: key %q, want %q", c.key, c.value, got, c.want)
		}
	}
	pm, err := marshaler.Marshal("t", m)
	if err != nil {
		t.Fatal(err)
	}
	if key, _ := pm.Key.Encode(); string(key) != "rental-1" {
		t.Fatalf("kafka key %q", key)
	}
}
