package audit_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/audit"
	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
	"github.com/chance-video/chance/infra/readstore/readsqlite"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/all"
	"github.com/chance-video/chance/readmodel/ledger"
)

// books is a shop's log and read models in a temp folder, with customers who topped
// up, rented, redeemed a withdrawal and cancelled.
type books struct {
	t      *testing.T
	dir    string
	events *eventsqlite.Store
	reads  *readsqlite.Store
	svc    *commands.Service
	users  []uuid.UUID
}

func key(k string) commands.Request { return commands.Request{Key: k, Fingerprint: k} }

func newBooks(t *testing.T) *books {
	t.Helper()
	b := &books{t: t, dir: t.TempDir()}
	events, err := eventsqlite.Open(filepath.Join(b.dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { events.Close() })
	b.events = events
	b.openReads()
	clk := clock.NewManual(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	b.svc = commands.New(events, clk)
	ctx := context.Background()
	mauser, chaika := uuid.New(), uuid.New()
	for _, id := range []uuid.UUID{mauser, chaika} {
		if _, _, err := b.svc.Premiere(ctx, id, premiere.Publish{ID: id, Card: premiere.Card{Title: "Маузер"}, TheaterPrice: 300000,
			Terms: pricing.Terms{OnlinePrice: 48000, StandardHours: 48}, Now: clk.Now()}, commands.Request{}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 2 {
		user := uuid.New()
		b.users = append(b.users, user)
		if _, err := b.svc.Fill(ctx, user, 100_000, key("fill")); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			order, err := b.svc.Rent(ctx, user, commands.RentInput{PremiereID: mauser, Hours: 24}, key("rent"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.svc.Cancel(ctx, user, order.Rentals[0].RentalID, key("cancel")); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := b.svc.Withdraw(ctx, user, mauser, 12, 12_000, key("withdraw"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.Rent(ctx, user, commands.RentInput{PremiereID: mauser, Hours: 12, Withdrawal: w.PaymentID}, key("redeem")); err != nil {
			t.Fatal(err)
		}
		// A rent the balance cannot pay for: declined, recorded, no money moved.
		if _, err := b.svc.Rent(ctx, user, commands.RentInput{PremiereID: chaika, Hours: 720}, key("too dear")); !errors.Is(err, domain.ErrFunds) {
			t.Fatalf("rent beyond the balance: %v", err)
		}
	}
	b.project()
	return b
}

func (b *books) openReads() {
	b.t.Helper()
	reads, err := readsqlite.Open(filepath.Join(b.dir, "read"))
	if err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(func() { reads.Close() })
	b.reads = reads
}

// project runs the projections until they have applied the whole log.
func (b *books) project() {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	head, err := b.events.Head(ctx)
	if err != nil {
		b.t.Fatal(err)
	}
	runner := projections.NewRunner(b.events, b.reads, all.Projectors()...)
	run, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- runner.Run(run) }()
	waitErr := runner.Progress().Wait(ctx, head)
	stop()
	<-done
	if waitErr != nil {
		b.t.Fatal(waitErr)
	}
}

// tamper changes a read model's rows behind its projection's back.
func (b *books) tamper(projection, statement string, args ...any) {
	b.t.Helper()
	if err := b.reads.Close(); err != nil {
		b.t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(b.dir, "read", projection+".g*.db"))
	if err != nil || len(files) != 1 {
		b.t.Fatalf("files of %s: %v %v", projection, files, err)
	}
	db, err := sql.Open("sqlite", files[0])
	if err != nil {
		b.t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(statement, args...)
	if err != nil {
		b.t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		b.t.Fatalf("%s changed %d rows, want 1", statement, n)
	}
	b.openReads()
}

func (b *books) verify() audit.Report {
	b.t.Helper()
	r, err := audit.Verify(context.Background(), b.events, b.reads)
	if err != nil {
		b.t.Fatal(err)
	}
	return r
}

func TestCleanBooksVerify(t *testing.T) {
	b := newBooks(t)
	r := b.verify()
	if !r.Clean() {
		var out strings.Builder
		r.Write(&out)
		t.Fatalf("clean books reported:\n%s", out.String())
	}
	// Two fills, a rent and its cancellation refund, a withdrawal and its redemption,
	// a declined rent (a history line, no movement).
	if r.Accounts != 2 || r.Payments != 7 || r.LedgerLines != 6 || r.Events == 0 {
		t.Fatalf("checked %d accounts, %d payments, %d lines of %d events", r.Accounts, r.Payments, r.LedgerLines, r.Events)
	}
}

func TestTamperedBalanceIsNamed(t *testing.T) {
	b := newBooks(t)
	victim := b.users[1]
	b.tamper(accounts.Name, "UPDATE balances SET balance = balance + 100 WHERE user_id = ?", victim.String())
	r := b.verify()
	if r.Clean() || r.Total != 1 {
		t.Fatalf("want exactly the tampered balance, got %+v", r.Differences)
	}
	d := r.Differences[0]
	if d.Account != victim || d.What != "balance" || d.Expected != "880.00 RUB" || d.Found != "881.00 RUB" {
		t.Fatalf("difference %+v", d)
	}
	var out strings.Builder
	r.Write(&out)
	if !strings.Contains(out.String(), "account "+victim.String()+": balance: log says 880.00 RUB, found 881.00 RUB") {
		t.Fatalf("report does not name the account:\n%s", out.String())
	}
}

func TestTamperedPaymentAndHistoryAreNamed(t *testing.T) {
	b := newBooks(t)
	user := b.users[0]
	b.tamper(accounts.Name, "UPDATE payments SET status = 'pending' WHERE user_id = ? AND kind = 'refund'", user.String())
	b.tamper(ledger.Name, "DELETE FROM ledger WHERE user_id = ? AND kind = 'refund'", user.String())
	r := b.verify()
	whats := map[string]bool{}
	for _, d := range r.Differences {
		if d.Account != user {
			t.Fatalf("a difference on another account: %+v", d)
		}
		whats[d.What] = true
	}
	if !whats["payment"] || !whats["billing history lines"] {
		t.Fatalf("differences %+v", r.Differences)
	}
}

// A read model that has not applied the log yet is reported as behind, not as wrong.
// A declined debit shown as having succeeded is named.
func TestTamperedDeclineIsNamed(t *testing.T) {
	b := newBooks(t)
	user := b.users[1]
	b.tamper(accounts.Name, "UPDATE payments SET status = 'succeeded' WHERE user_id = ? AND status = 'rejected'", user.String())
	r := b.verify()
	if r.Total != 1 || r.Differences[0].Account != user || r.Differences[0].What != "payment" ||
		!strings.Contains(r.Differences[0].Expected, "rejected") || !strings.Contains(r.Differences[0].Found, "succeeded") {
		t.Fatalf("differences %+v", r.Differences)
	}
}

func TestLagIsNotCorruption(t *testing.T) {
	b := newBooks(t)
	if _, err := b.svc.Fill(context.Background(), b.users[0], 1_000, key("late fill")); err != nil {
		t.Fatal(err)
	}
	r := b.verify()
	if len(r.Lag) != 2 || r.Total != 0 || r.Clean() {
		t.Fatalf("lag %+v, differences %+v", r.Lag, r.Differences)
	}
	b.project()
	if r := b.verify(); !r.Clean() {
		t.Fatalf("after catching up: lag %+v, differences %+v", r.Lag, r.Differences)
	}
}

// An event whose recorded balance_after is not what its stream folds to is named,
// even where the read models agree with it.
func TestBrokenBalanceChainIsNamed(t *testing.T) {
	b := newBooks(t)
	user := b.users[1]
	db, err := sql.Open("sqlite", filepath.Join(b.dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE events SET data = CAST(json_set(CAST(data AS TEXT), '$.balance_after', 1) AS BLOB)
		WHERE stream_id = ? AND type = 'account.funds_added.v1'`, "account-"+user.String()); err != nil {
		t.Fatal(err)
	}
	r := b.verify()
	for _, d := range r.Differences {
		if d.Account == user && strings.HasPrefix(d.What, "balance_after of event") && d.Expected == "1000.00 RUB" && d.Found == "0.01 RUB" {
			return
		}
	}
	t.Fatalf("no chain break named in %+v", r.Differences)
}

// frozenHead is a log whose head is read as it was at some moment, while the log and
// the read models have moved on: an audit beside a server under traffic.
type frozenHead struct {
	audit.Log
	head eventlog.Position
}

func (f frozenHead) Head(context.Context) (eventlog.Position, error) { return f.head, nil }

// An audit beside a running server once reported a difference for every balance that
// moved after the head it read (10 of 15 runs under traffic exited 1).
func TestBalancesMovedPastTheHeadAreNotDifferences(t *testing.T) {
	b := newBooks(t)
	ctx := context.Background()
	head, err := b.events.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"later-1", "later-2"} {
		if _, err := b.svc.Fill(ctx, b.users[0], 700, key(k)); err != nil {
			t.Fatal(err)
		}
	}
	b.project()
	r, err := audit.Verify(ctx, frozenHead{Log: b.events, head: head}, b.reads)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Clean() {
		t.Fatalf("a balance that moved after the audited head was reported: %+v", r.Differences)
	}
	// A balance the account never took is still a difference.
	b.tamper(accounts.Name, "UPDATE balances SET balance = balance + 1 WHERE user_id = ?", b.users[0].String())
	if r, err := audit.Verify(ctx, frozenHead{Log: b.events, head: head}, b.reads); err != nil || r.Clean() {
		t.Fatalf("a tampered balance passed: %+v %v", r, err)
	}
}
