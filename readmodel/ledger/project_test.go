package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/infra/readstore/projectortest"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/ledger"
)

func TestProject(t *testing.T) {
	at := time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)
	historyOf := func(user uuid.UUID) func(ctx context.Context, r ledger.Reads) (any, error) {
		return func(ctx context.Context, r ledger.Reads) (any, error) {
			lines, err := r.Ledger(ctx, ledger.Query{UserID: user})
			// Positions depend on what ran before on the store: the spec checks the rest.
			for i := range lines {
				lines[i].Position = 0
			}
			if len(lines) == 0 {
				lines = nil // an empty history may read back empty or nil
			}
			return lines, err
		}
	}
	var (
		premiere, rental = uuid.New(), uuid.New()
		forOrder         = account.Purpose{Kind: account.ForOrder, OrderID: uuid.New(),
			Rentals: []account.RentalLine{{RentalID: rental, PremiereID: premiere, Hours: 48, Price: 30_000}}}
		termChange = account.Purpose{Kind: account.ForTermChange, RentalID: rental, Hours: 24}
	)
	user := func(name string) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, []byte(name)) }
	pay := func(name string) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceURL, []byte(name)) }
	specs := []projectortest.Spec[ledger.Reads]{
		{
			Name: "no money events, no history",
			Read: historyOf(user("nobody")),
			Then: []ledger.Entry(nil),
		},
		{
			Name: "credits are positive, debits negative, in log order",
			Given: []domain.Event{
				account.FundsAdded{UserID: user("a"), Payment: pay("a1"), Amount: 50_000, BalanceAfter: 50_000, At: at},
				account.FundsWithdrawn{UserID: user("a"), Payment: pay("a2"), Amount: 30_000, BalanceAfter: 20_000, Purpose: forOrder, At: at.Add(time.Minute)},
				account.FundsRefunded{UserID: user("a"), Payment: pay("a3"), Amount: 5_000, BalanceAfter: 25_000, Purpose: termChange, At: at.Add(time.Hour)},
			},
			Read: historyOf(user("a")),
			Then: []ledger.Entry{
				{EventID: projectortest.EventID("credits are positive, debits negative, in log order", 0), UserID: user("a"),
					Kind: readmodel.KindTopUp, Amount: 50_000, BalanceAfter: 50_000, PaymentID: pay("a1"), OccurredAt: at},
				{EventID: projectortest.EventID("credits are positive, debits negative, in log order", 1), UserID: user("a"),
					Kind: readmodel.KindWithdrawal, Purpose: string(account.ForOrder), Amount: -30_000, BalanceAfter: 20_000,
					PaymentID: pay("a2"), RentalID: rental, OccurredAt: at.Add(time.Minute)},
				{EventID: projectortest.EventID("credits are positive, debits negative, in log order", 2), UserID: user("a"),
					Kind: readmodel.KindRefund, Purpose: string(account.ForTermChange), Amount: 5_000, BalanceAfter: 25_000,
					PaymentID: pay("a3"), RentalID: rental, OccurredAt: at.Add(time.Hour)},
			},
		},
		{
			Name: "a declined debit is a line that moved nothing",
			Given: []domain.Event{account.PaymentDeclined{UserID: user("d"), Payment: pay("d1"), Amount: 90_000, Balance: 1_000,
				Reason: account.DeclinedInsufficientFunds, Purpose: forOrder, At: at}},
			Read: historyOf(user("d")),
			Then: []ledger.Entry{{EventID: projectortest.EventID("a declined debit is a line that moved nothing", 0), UserID: user("d"),
				Kind: readmodel.KindDebitDeclined, Purpose: string(account.ForOrder), Amount: -90_000, BalanceAfter: 1_000,
				PaymentID: pay("d1"), OccurredAt: at}},
		},
		{
			Name: "a redemption moves no money: no line",
			Given: []domain.Event{account.PaymentRedeemed{UserID: user("r"), Payment: pay("r1"), Withdrawal: pay("a2"), Amount: 30_000,
				Purpose: forOrder, At: at}},
			Read: historyOf(user("r")),
			Then: []ledger.Entry(nil),
		},
	}
	projectortest.Run(t, ledger.Projector, specs)
}
