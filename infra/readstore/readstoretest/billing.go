package readstoretest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/ledger"
)

func canonPayment(p accounts.Payment) accounts.Payment {
	p.CreatedAt, p.ExpiresAt = utc(p.CreatedAt), utc(p.ExpiresAt)
	return p
}

func testBalanceAndPayments(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	user, stranger := uuid.New(), uuid.New()
	if b, err := s.Balance(ctx, stranger); err != nil || b != 0 {
		t.Errorf("balance of an unknown customer: %d, %v; want 0", b, err)
	}
	withdrawal := accounts.Payment{
		ID: uuid.New(), UserID: user, Kind: readmodel.KindWithdrawal, Purpose: "rental", Amount: 49_900,
		Status: readmodel.PaymentPending, Reason: "", PremiereID: uuid.New(), RentalID: uuid.New(), CreatedAt: at,
	}
	topUp := accounts.Payment{ID: uuid.New(), UserID: user, Kind: readmodel.KindTopUp, Amount: 100_000,
		Status: readmodel.PaymentSucceeded, CreatedAt: at.Add(-time.Minute)}
	write(t, s, accounts.Name, 1, func(ctx context.Context, tx accounts.Writes) error {
		if err := tx.PutBalance(ctx, user, 100_000); err != nil {
			return err
		}
		if err := tx.PutBalance(ctx, user, 50_100); err != nil { // replaces
			return err
		}
		if err := tx.PutPayment(ctx, topUp); err != nil {
			return err
		}
		return tx.PutPayment(ctx, withdrawal)
	})
	if b, err := s.Balance(ctx, user); err != nil || b != 50_100 {
		t.Errorf("balance: %d, %v; want 50100", b, err)
	}
	for _, want := range []accounts.Payment{withdrawal, topUp} {
		got, found, err := s.Payment(ctx, want.ID)
		if err != nil || !found {
			t.Fatalf("payment %s: found %v, %v", want.ID, found, err)
		}
		checkUTC(t, "payment", got.CreatedAt)
		same(t, "payment", got, want, canonPayment)
	}
	if _, found, err := s.Payment(ctx, uuid.New()); err != nil || found {
		t.Errorf("unknown payment: found %v, %v", found, err)
	}

	// The projector settles the payment by reading and rewriting it.
	write(t, s, accounts.Name, 2, func(ctx context.Context, tx accounts.Writes) error {
		p, found, err := tx.Payment(ctx, withdrawal.ID)
		if err != nil || !found {
			t.Errorf("tx payment: found %v, %v", found, err)
			return err
		}
		same(t, "tx payment", p, withdrawal, canonPayment)
		p.Status, p.Reason = readmodel.PaymentRejected, "insufficient funds"
		return tx.PutPayment(ctx, p)
	})
	got, _, _ := s.Payment(ctx, withdrawal.ID)
	if got.Status != readmodel.PaymentRejected || got.Reason != "insufficient funds" || got.Amount != withdrawal.Amount {
		t.Errorf("payment after upsert: %+v", got)
	}
}

// Pending top-ups keep where they are paid and when they expire; the scheduler asks for
// those due, earliest first, and never for one settled.
func testPendingTopUps(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	user := uuid.New()
	pending := func(expires time.Time) accounts.Payment {
		id := uuid.New()
		return accounts.Payment{ID: id, UserID: user, Kind: readmodel.KindTopUp, Amount: 10_000, Status: readmodel.PaymentPending,
			CreatedAt: at, ConfirmationURL: "/pay/test/" + id.String(), ExpiresAt: expires}
	}
	late, early, later := pending(at.Add(20*time.Minute)), pending(at.Add(10*time.Minute)), pending(at.Add(time.Hour))
	paid := pending(at)
	paid.Status, paid.ConfirmationURL, paid.ExpiresAt = readmodel.PaymentSucceeded, "", time.Time{}
	write(t, s, accounts.Name, 1, func(ctx context.Context, tx accounts.Writes) error {
		for _, p := range []accounts.Payment{late, early, later, paid} {
			if err := tx.PutPayment(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	got, found, err := s.Payment(ctx, late.ID)
	if err != nil || !found {
		t.Fatalf("pending top-up: found %v, %v", found, err)
	}
	checkUTC(t, "expires_at", got.ExpiresAt)
	same(t, "pending top-up", got, late, canonPayment)
	due := func(now time.Time, limit int, want ...accounts.Payment) {
		t.Helper()
		got, err := s.PendingTopUpsDue(ctx, now, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("due at %s (limit %d): %d top-ups, want %d", now, limit, len(got), len(want))
		}
		for i := range want {
			same(t, "due top-up", got[i], want[i], canonPayment)
		}
	}
	due(at, 0)
	due(at.Add(10*time.Minute), 0, early)
	due(at.Add(30*time.Minute), 0, early, late)
	due(at.Add(30*time.Minute), 1, early)
	write(t, s, accounts.Name, 2, func(ctx context.Context, tx accounts.Writes) error {
		early.Status, early.Reason = readmodel.PaymentExpired, "nobody paid before it expired"
		return tx.PutPayment(ctx, early)
	})
	due(at.Add(2*time.Hour), 0, late, later)
}

func testLedger(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	alice, bob := uuid.New(), uuid.New()
	day := func(n int) time.Time { return at.Add(time.Duration(n) * 24 * time.Hour) }
	entry := func(pos uint64, user uuid.UUID, amount int64, occurred time.Time) ledger.Entry {
		return ledger.Entry{Position: pos, EventID: uuid.New(), UserID: user, Kind: readmodel.KindTopUp,
			Purpose: "top_up", Amount: moneyOf(amount), BalanceAfter: moneyOf(amount * 2), PaymentID: uuid.New(),
			RentalID: uuid.New(), OccurredAt: occurred}
	}
	e10 := entry(10, alice, 100, day(0))
	e20 := entry(20, bob, 200, day(1))
	e30 := entry(30, alice, -300, day(2))
	e40 := entry(40, alice, 400, day(3))
	write(t, s, ledger.Name, 40, func(ctx context.Context, tx ledger.Writes) error {
		for _, e := range []ledger.Entry{e30, e10, e40, e20} { // out of order on purpose
			if err := tx.AddEntry(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	// A redelivered entry (same event id) is ignored, even with other values.
	write(t, s, ledger.Name, 41, func(ctx context.Context, tx ledger.Writes) error {
		again := e20
		again.Amount = 999
		if err := tx.AddEntry(ctx, again); err != nil {
			return err
		}
		return tx.AddEntry(ctx, e20)
	})

	all := []ledger.Entry{e10, e20, e30, e40}
	cases := []struct {
		name string
		q    ledger.Query
		want []ledger.Entry
	}{
		{"everything", ledger.Query{}, all},
		{"one user", ledger.Query{UserID: alice}, []ledger.Entry{e10, e30, e40}},
		{"unknown user", ledger.Query{UserID: uuid.New()}, nil},
		{"from inclusive", ledger.Query{From: day(1)}, []ledger.Entry{e20, e30, e40}},
		{"to exclusive", ledger.Query{To: day(2)}, []ledger.Entry{e10, e20}},
		{"range and user", ledger.Query{UserID: alice, From: day(1), To: day(3)}, []ledger.Entry{e30}},
		{"after", ledger.Query{After: 20}, []ledger.Entry{e30, e40}},
		{"limit", ledger.Query{Limit: 2}, []ledger.Entry{e10, e20}},
		{"after and limit", ledger.Query{After: 10, Limit: 2}, []ledger.Entry{e20, e30}},
		{"user, after and limit", ledger.Query{UserID: alice, After: 10, Limit: 1}, []ledger.Entry{e30}},
	}
	canon := func(es []ledger.Entry) []ledger.Entry {
		es = slices.Clone(nilIfEmpty(es))
		for i := range es {
			es[i].OccurredAt = utc(es[i].OccurredAt)
		}
		return es
	}
	for _, c := range cases {
		got, err := s.Ledger(ctx, c.q)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		for _, e := range got {
			checkUTC(t, c.name, e.OccurredAt)
		}
		same(t, c.name, got, c.want, canon)
	}
}

func moneyOf(k int64) money.Kopecks { return money.Kopecks(k) }

// A declined debit, as the projectors write it: the payment is rejected with its
// reason, the history shows the attempt, and the balance does not move.
func testDeclinedDebit(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	user, topUp, declined, premiere, rentalID := uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()
	events := []projections.Event{
		{Record: eventlog.Record{EventData: eventlog.EventData{ID: uuid.New()}, Position: eventlog.Position{Commit: 1, Prepare: 1}},
			Event: account.FundsAdded{UserID: user, Payment: topUp, Amount: 1_000, BalanceAfter: 1_000, At: at}},
		{Record: eventlog.Record{EventData: eventlog.EventData{ID: uuid.New()}, Position: eventlog.Position{Commit: 2, Prepare: 2}},
			Event: account.PaymentDeclined{UserID: user, Payment: declined, Amount: 24_000, Balance: 1_000, Reason: account.DeclinedInsufficientFunds,
				Purpose: account.Purpose{Kind: account.ForOrder, OrderID: declined, Rentals: []account.RentalLine{{RentalID: rentalID, PremiereID: premiere, Price: 24_000}}},
				At:      at.Add(time.Minute)}},
	}
	for _, p := range []projections.Projector{accounts.Projector, ledger.Projector} {
		write(t, s, p.Name(), 2, func(ctx context.Context, w projections.Writes) error {
			for _, e := range events {
				if err := p.Apply(ctx, w, e); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if b, err := s.Balance(ctx, user); err != nil || b != 1_000 {
		t.Errorf("balance after a declined debit: %d, %v; want 1000", b, err)
	}
	got, found, err := s.Payment(ctx, declined)
	if err != nil || !found {
		t.Fatalf("declined payment: found %v, %v", found, err)
	}
	want := accounts.Payment{ID: declined, UserID: user, Kind: readmodel.KindWithdrawal, Purpose: string(account.ForOrder), Amount: 24_000,
		Status: readmodel.PaymentRejected, Reason: "insufficient funds: the balance was 1000 kopecks, 24000 were needed",
		PremiereID: premiere, CreatedAt: at.Add(time.Minute)} // no rental: the order's was never created
	same(t, "declined payment", got, want, canonPayment)
	lines, err := s.Ledger(ctx, ledger.Query{UserID: user})
	if err != nil || len(lines) != 2 {
		t.Fatalf("history: %+v, %v; want the top-up and the declined debit", lines, err)
	}
	d := lines[1]
	if d.Kind != readmodel.KindDebitDeclined || d.Amount != -24_000 || d.BalanceAfter != lines[0].BalanceAfter || d.PaymentID != declined ||
		d.RentalID != uuid.Nil || d.Purpose != string(account.ForOrder) || d.Position != 2 {
		t.Errorf("declined line %+v after %+v", d, lines[0])
	}
}

// How far each account stream is applied to the billing history: the highest revision
// recorded wins, within one Update and across Updates (a redelivered event is older).
func testLedgerStreams(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	alice, bob := account.Stream(uuid.New()), account.Stream(uuid.New())
	if rev, found, err := s.AppliedRevision(ctx, alice); err != nil || found || rev != 0 {
		t.Fatalf("a stream never applied: %d, %v, %v; want none", rev, found, err)
	}
	write(t, s, ledger.Name, 3, func(ctx context.Context, tx ledger.Writes) error {
		for _, step := range []struct {
			stream string
			rev    uint64
		}{{alice, 0}, {alice, 2}, {bob, 5}, {alice, 1}} {
			if err := tx.Applied(ctx, step.stream, step.rev); err != nil {
				return err
			}
		}
		return nil
	})
	write(t, s, ledger.Name, 4, func(ctx context.Context, tx ledger.Writes) error { return tx.Applied(ctx, bob, 4) })
	for stream, want := range map[string]uint64{alice: 2, bob: 5} {
		if rev, found, err := s.AppliedRevision(ctx, stream); err != nil || !found || rev != want {
			t.Errorf("%s applied to %d (found %v, %v); want %d", stream, rev, found, err, want)
		}
	}
	// An Update that fails records nothing.
	failed := projections.Update(ctx, s, ledger.Name, eventlog.Position{Commit: 5, Prepare: 5}, func(tx ledger.Writes) error {
		if err := tx.Applied(ctx, alice, 9); err != nil {
			return err
		}
		return errors.New("the projector failed")
	})
	if failed == nil {
		t.Fatal("a failing Update succeeded")
	}
	if rev, _, err := s.AppliedRevision(ctx, alice); err != nil || rev != 2 {
		t.Errorf("after a failed Update %s is applied to %d, %v; want 2", alice, rev, err)
	}
}
