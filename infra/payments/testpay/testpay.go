// Package testpay is the test payment provider: the customer pays on the shop's own
// page, /pay/test/<payment id>, by pressing "pay" or "decline". No money moves
// anywhere; it stands in for a real provider in tests and demonstrations.
package testpay

import (
	"context"

	"github.com/chance-video/chance/commands"
)

// Name is the provider's name, recorded with its top-ups.
const Name = "test"

// PagePath is the path of a top-up's payment page.
func PagePath(payment string) string { return "/pay/test/" + payment }

// Provider opens top-ups on the test page. Its payment id is the top-up's own.
type Provider struct {
	// PublicURL prefixes the page's path (https://shop.example); empty: a relative URL.
	PublicURL string
}

// Name is "test".
func (Provider) Name() string { return Name }

// Create answers the page of the payment: nothing to call.
func (p Provider) Create(_ context.Context, o commands.TopUpOrder) (commands.ProviderPayment, error) {
	id := o.Payment.String()
	return commands.ProviderPayment{ID: id, ConfirmationURL: p.PublicURL + PagePath(id)}, nil
}
