package accounts_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/infra/readstore/projectortest"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/accounts"
)

// state is what the specs read back: a balance and the payments asked about.
type state struct {
	Balance  money.Kopecks
	Payments []accounts.Payment // nil entries for payments not found
}

func TestProject(t *testing.T) {
	at := time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)
	read := func(user uuid.UUID, payments ...uuid.UUID) func(ctx context.Context, r accounts.Reads) (any, error) {
		return func(ctx context.Context, r accounts.Reads) (any, error) {
			b, err := r.Balance(ctx, user)
			if err != nil {
				return nil, err
			}
			out := state{Balance: b}
			for _, id := range payments {
				p, found, err := r.Payment(ctx, id)
				if err != nil {
					return nil, err
				}
				if !found {
					p = accounts.Payment{}
				}
				out.Payments = append(out.Payments, p)
			}
			return out, nil
		}
	}
	var (
		user, topUp, debit, refund, redeemed, declined   = uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()
		premiere, rental, order                          = uuid.New(), uuid.New(), uuid.New()
		payer, pendingTopUp, declinedTopUp, expiredTopUp = uuid.New(), uuid.New(), uuid.New(), uuid.New()
		forOrder                                         = account.Purpose{Kind: account.ForOrder, OrderID: order,
			Rentals: []account.RentalLine{{RentalID: rental, PremiereID: premiere, Title: "Маузер", Hours: 48, Price: 30_000}}}
		cancellation = account.Purpose{Kind: account.ForCancellation, RentalID: rental, PremiereID: premiere}
	)
	specs := []projectortest.Spec[accounts.Reads]{
		{
			Name: "a customer with no account has a zero balance",
			Read: read(uuid.New(), uuid.New()),
			Then: state{Payments: []accounts.Payment{{}}},
		},
		{
			Name:  "a top-up credits the balance and succeeds",
			Given: []domain.Event{account.FundsAdded{UserID: user, Payment: topUp, Amount: 50_000, BalanceAfter: 50_000, At: at}},
			Read:  read(user, topUp),
			Then: state{Balance: 50_000, Payments: []accounts.Payment{{ID: topUp, UserID: user, Kind: readmodel.KindTopUp,
				Amount: 50_000, Status: readmodel.PaymentSucceeded, CreatedAt: at}}},
		},
		{
			Name: "a debit for an order names its first rental and premiere; a refund its rental",
			Given: []domain.Event{
				account.FundsWithdrawn{UserID: user, Payment: debit, Amount: 30_000, BalanceAfter: 20_000, Purpose: forOrder, At: at},
				account.FundsRefunded{UserID: user, Payment: refund, Amount: 10_000, BalanceAfter: 30_000, Purpose: cancellation, At: at.Add(time.Hour)},
			},
			Read: read(user, debit, refund),
			Then: state{Balance: 30_000, Payments: []accounts.Payment{
				{ID: debit, UserID: user, Kind: readmodel.KindWithdrawal, Purpose: string(account.ForOrder), Amount: 30_000,
					Status: readmodel.PaymentSucceeded, PremiereID: premiere, RentalID: rental, CreatedAt: at},
				{ID: refund, UserID: user, Kind: readmodel.KindRefund, Purpose: string(account.ForCancellation), Amount: 10_000,
					Status: readmodel.PaymentSucceeded, PremiereID: premiere, RentalID: rental, CreatedAt: at.Add(time.Hour)},
			}},
		},
		{
			Name: "a redemption is a payment that moves no money",
			Given: []domain.Event{
				account.FundsAdded{UserID: user, Payment: uuid.New(), Amount: 1_000, BalanceAfter: 31_000, At: at},
				account.PaymentRedeemed{UserID: user, Payment: redeemed, Withdrawal: debit, Amount: 30_000, Purpose: forOrder, At: at},
			},
			Read: read(user, redeemed),
			Then: state{Balance: 31_000, Payments: []accounts.Payment{{ID: redeemed, UserID: user, Kind: readmodel.KindRedemption,
				Purpose: string(account.ForOrder), Amount: 30_000, Status: readmodel.PaymentSucceeded,
				Reason: "paid by withdrawal " + debit.String(), PremiereID: premiere, RentalID: rental, CreatedAt: at}}},
		},
		{
			Name: "a declined debit is rejected with its reason and leaves the balance",
			Given: []domain.Event{account.PaymentDeclined{UserID: user, Payment: declined, Amount: 90_000, Balance: 31_000,
				Reason: account.DeclinedInsufficientFunds, Purpose: forOrder, At: at}},
			Read: read(user, declined),
			Then: state{Balance: 31_000, Payments: []accounts.Payment{{ID: declined, UserID: user, Kind: readmodel.KindWithdrawal,
				Purpose: string(account.ForOrder), Amount: 90_000, Status: readmodel.PaymentRejected,
				Reason:     "insufficient funds: the balance was 31000 kopecks, 90000 were needed",
				PremiereID: premiere, CreatedAt: at}}},
		},
		{
			Name: "a provider top-up is pending, moves no money, and says where it is paid",
			Given: []domain.Event{account.TopUpRequested{UserID: payer, Payment: pendingTopUp, Amount: 20_000, Provider: "test",
				ProviderPayment: pendingTopUp.String(), ConfirmationURL: "/pay/test/" + pendingTopUp.String(), ExpiresAt: at.Add(30 * time.Minute), At: at}},
			Read: read(payer, pendingTopUp),
			Then: state{Payments: []accounts.Payment{{ID: pendingTopUp, UserID: payer, Kind: readmodel.KindTopUp, Amount: 20_000,
				Status: readmodel.PaymentPending, CreatedAt: at, ConfirmationURL: "/pay/test/" + pendingTopUp.String(), ExpiresAt: at.Add(30 * time.Minute)}}},
		},
		{
			Name: "paid: succeeded and credited; declined and expired ones credit nothing and keep their date",
			Given: []domain.Event{
				account.TopUpRequested{UserID: payer, Payment: pendingTopUp, Amount: 20_000, Provider: "test", ExpiresAt: at.Add(time.Hour), At: at},
				account.TopUpRequested{UserID: payer, Payment: declinedTopUp, Amount: 30_000, Provider: "test", ExpiresAt: at.Add(time.Hour), At: at},
				account.TopUpRequested{UserID: payer, Payment: expiredTopUp, Amount: 40_000, Provider: "test", ExpiresAt: at.Add(time.Hour), At: at},
				account.FundsAdded{UserID: payer, Payment: pendingTopUp, Amount: 20_000, BalanceAfter: 20_000, At: at.Add(time.Minute)},
				account.TopUpCanceled{UserID: payer, Payment: declinedTopUp, Amount: 30_000, Reason: account.CanceledDeclined, At: at.Add(time.Minute)},
				account.TopUpCanceled{UserID: payer, Payment: expiredTopUp, Amount: 40_000, Reason: account.CanceledExpired, At: at.Add(time.Hour)},
			},
			Read: read(payer, pendingTopUp, declinedTopUp, expiredTopUp),
			Then: state{Balance: 20_000, Payments: []accounts.Payment{
				{ID: pendingTopUp, UserID: payer, Kind: readmodel.KindTopUp, Amount: 20_000, Status: readmodel.PaymentSucceeded, CreatedAt: at.Add(time.Minute)},
				{ID: declinedTopUp, UserID: payer, Kind: readmodel.KindTopUp, Amount: 30_000, Status: readmodel.PaymentCanceled,
					Reason: "the payment was declined", CreatedAt: at},
				{ID: expiredTopUp, UserID: payer, Kind: readmodel.KindTopUp, Amount: 40_000, Status: readmodel.PaymentExpired,
					Reason: "nobody paid before it expired", CreatedAt: at},
			}},
		},
	}
	projectortest.Run(t, accounts.Projector, specs)
}
