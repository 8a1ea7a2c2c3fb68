package bus

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
)

// PostgreSQL refuses NUL and invalid UTF-8 in text; a reason quoting a hostile input
// once made its dead letter unrecordable, and the recorder retried it without end.
func TestDeadLettersHoldOnlyStorableText(t *testing.T) {
	m := message.NewMessage("m1", []byte("payload \x00 kept as is"))
	m.Metadata.Set(middleware.ReasonForPoisonedKey, "bad name \"a\x00b\xffc\"")
	m.Metadata.Set("user", "x\x00y")
	m.Metadata.Set(middleware.PoisonedHandlerKey, "email")
	d := deadLetterOf(m, time.Now)
	for what, s := range map[string]string{"reason": d.Reason, "metadata": d.Metadata["user"]} {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			t.Errorf("%s %q is not storable", what, s)
		}
	}
	if d.Reason != "bad name \"a\uFFFDb\uFFFDc\"" {
		t.Errorf("reason %q lost more than the unstorable bytes", d.Reason)
	}
	if string(d.Payload) != "payload \x00 kept as is" {
		t.Error("the payload (bytes, republished on requeue) was changed")
	}
}
