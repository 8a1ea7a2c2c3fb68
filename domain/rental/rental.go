// Package rental decides a customer's right to watch one premiere during a term:
// renting it, changing the term with a charge or refund of the difference,
// cancelling with the refund rule, the reminder and the expiry.
// Stream: "rental-<rental id>".
package rental

import (
	"fmt"
	"strconv"

	"github.com/google/uuid"
)

// Stream names a rental's stream.
func Stream(id uuid.UUID) string { return "rental-" + id.String() }

// slotNamespace derives rental ids; WARNING: changing it orphans every holding.
var slotNamespace = uuid.MustParse("6f1d3a52-7c8e-4b0a-9d55-2a4e8c1b7f30")

// SlotID is the id of a customer's n-th rental (from 0) of a premiere.
//
// Renting takes the first slot whose rental is missing or ended, and creates it with
// a "no stream" expectation. Because a slot is only passed over once its rental has
// ended, and ending is final, two holdings of one premiere cannot coexist: the event
// store's expectation enforces "one holding per premiere" with no read model.
func SlotID(user, premiere uuid.UUID, n int) uuid.UUID {
	return uuid.NewSHA1(slotNamespace, []byte(fmt.Sprintf("%s/%s/%s", user, premiere, strconv.Itoa(n))))
}
