package httpapi

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/readmodel/rentals"
)

// Every refusal a client must tell apart has a type of its own, whatever context the
// error was wrapped in on its way up; its status and detail are those it always had.
func TestRefusalsHaveTheirOwnType(t *testing.T) {
	wrapped := func(err error) error { return fmt.Errorf("append to cart-123 at 7: %w", err) }
	for _, tc := range []struct {
		err    error
		status int
		typ    string
		detail string
	}{
		{premiere.ErrNotOnSale, 409, typeNotOnSale, "the premiere is no longer on sale"},
		{cart.ErrInCart, 409, typeAlreadyInCart, "this premiere is already in the cart with another term; change the item instead"},
		{cart.ErrFull, 409, typeCartFull, fmt.Sprintf("a cart holds at most %d premieres", cart.MaxItems)},
		{commands.ErrCartEmpty, 409, typeCartEmpty, "the cart is empty: add a premiere to it before checking out"},
		{cart.ErrNotInCart, 404, typeNotInCart, "this premiere is not in the cart"},
		{rental.ErrTermChanged, 409, typeTermChanged, "the term was changed meanwhile; quote again"},
		{commands.ErrTermChangedMeanwhile, 409, typeTermChangedRefunded, "the rental changed while the extension was being paid; the charge was refunded"},
		{rental.ErrCancelled, 409, typeRentalCancelled, "the rental is cancelled"},
		{rental.ErrEnded, 409, typeTermEnded, "the term has ended"},
		{account.ErrTooManyTopUps, 409, typeTooManyTopUps, account.ErrTooManyTopUps.Error()},
		{user.ErrEmailTaken, 409, typeEmailTaken, "this email is already registered"},
		{commands.ErrContention, 409, typeContention, "the data changed concurrently too many times; retry the request"},
		{rentals.ErrNoCurrentRental, 404, typeNoCurrentRental, "you hold no upcoming or active rental of this premiere"},
		{account.ErrDeclinedPayment, 409, typePaymentDeclined, "this payment was declined and paid nothing"},
		{account.ErrAlreadyRedeemed, 409, typePaymentRedeemed, "this payment has already been used for a rental"},
		{account.ErrNotRedeemable, 409, typePaymentNotForRent, "this payment was not a withdrawal for a premiere"},
		{account.ErrRedeemMismatch, 409, typePaymentMismatch, "this payment was for another premiere or period"},
		{&commands.ChannelNotOffered{Missing: []string{"sms"}, Offered: []string{"inbox", "email"}}, 422, typeChannelNotOffered,
			"this shop does not send notifications by sms; choose among inbox, email"},
		{commands.ErrProviderUnavailable, 503, typeProviderUnavailable, "the payment provider cannot be reached right now; retry in a moment with the same Idempotency-Key"},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			p := problemFor(wrapped(tc.err))
			if p.Status != tc.status || p.Type != tc.typ || p.Detail != tc.detail {
				t.Fatalf("problem = %d %s %q, want %d %s %q", p.Status, p.Type, p.Detail, tc.status, tc.typ, tc.detail)
			}
			if p.Title == "" || p.Title == http.StatusText(p.Status) {
				t.Fatalf("title = %q: a type has a title of its own", p.Title)
			}
		})
	}
	// A domain error of the same category but another refusal keeps about:blank.
	for _, err := range []error{domain.NotFound("premiere not found"), domain.Conflict("something else"), user.ErrAlreadyRegistered} {
		if p := problemFor(wrapped(err)); p.Type != "about:blank" {
			t.Fatalf("%v: type %s, want about:blank", err, p.Type)
		}
	}
}
