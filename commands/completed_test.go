package commands_test

import (
	"errors"
	"testing"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/eventlog"
)

// Recovery passes over an order its request completed (it ran the order's steps a
// second time, only to find their events there) and still completes one its request
// left half done, which a restarted process (a new Service) resumes as always.
func TestRecoverySkipsOrdersCompletedHere(t *testing.T) {
	steps, crash := 0, false
	hook := commands.WithStepHook(func(step string) error {
		steps++
		if crash && step == "paid" {
			return errors.New("crash")
		}
		return nil
	})
	sh := newShop(t, hook)
	user := sh.customer()
	sh.fill(user, 100_000)
	sh.rent(user, sh.publish("Маузер"), 24, "done")

	crash = true
	halfDone := sh.publish("Чайка")
	if _, err := sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: halfDone, Hours: 24}, key("half")); err == nil {
		t.Fatal("the crash hook did not stop the second rent")
	}
	crash, steps = false, 0
	if _, err := sh.recover(eventlog.Start); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "steps run by recovery (the half-done order's rental only)", steps, 1)
	mustEqual(t, "second rental's hours", rentalOf(t, sh, user, halfDone).Hours, 24)

	sh.restart(hook) // a new process knows of no completed order: it resumes both, harmlessly
	steps = 0
	if _, err := sh.recover(eventlog.Start); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "steps run after a restart", steps, 2)
	mustEqual(t, "balance", sh.balance(user), 100_000-2*24_000)
}
