package app

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/httpapi"
	"github.com/chance-video/chance/infra/payments/testpay"
	"github.com/chance-video/chance/infra/payments/yookassa"
	"github.com/chance-video/chance/queries"
	"github.com/chance-video/chance/readmodel/accounts"
)

// paymentOptions makes top-ups go through the configured provider; none for the demo,
// which credits them at once.
func paymentOptions(cfg config.Config) []commands.Option {
	p := cfg.Payments
	switch p.Provider {
	case config.PaymentsTest:
		return []commands.Option{commands.WithPayments(commands.Payments{Provider: testpay.Provider{PublicURL: p.PublicURL}, PendingTTL: p.PendingTTL})}
	case config.PaymentsYooKassa:
		c := &yookassa.Client{API: p.YooKassaAPIURL, ShopID: p.YooKassaShopID, SecretKey: p.YooKassaSecretKey,
			ReturnURL:   func(payment uuid.UUID) string { return p.ReturnTo(payment.String()) },
			Description: "Шанс-видео: пополнение баланса", HTTP: &http.Client{Timeout: yookassa.Timeout}}
		return []commands.Option{commands.WithPayments(commands.Payments{Provider: c, Verifier: c, PendingTTL: p.PendingTTL})}
	}
	return nil
}

// testPayPage is the test provider's page over this App, when CHANCE_PAYMENTS=test.
func (a *App) testPayPage(q *queries.Service) *httpapi.TestPayPage {
	if a.Config.Payments.Provider != config.PaymentsTest {
		return nil
	}
	return &httpapi.TestPayPage{
		Find: func(ctx context.Context, id uuid.UUID) (accounts.Payment, bool, error) {
			p, found, err := a.Reads.Payment(ctx, id)
			if found || err != nil {
				return p, found, err
			}
			// Perhaps just opened and not projected yet: wait (briefly) for the payments
			// to reach the log as it is now, then look again.
			head, err := a.Events.Head(ctx)
			if err != nil {
				return p, false, err
			}
			if err := q.Await(ctx, uuid.Nil, head, queries.ForBalance); err != nil && !errors.Is(err, queries.ErrBehind) {
				return p, false, err
			}
			return a.Reads.Payment(ctx, id)
		},
		ReturnURL: func(payment uuid.UUID) string { return a.Config.Payments.ReturnTo(payment.String()) },
	}
}

// expiresTopUps reports whether top-ups can be left pending (a provider takes them).
func expiresTopUps(cfg config.Config) bool { return cfg.Payments.Provider != config.PaymentsDemo }
