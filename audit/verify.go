package audit

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/ledger"
)

// pageSize bounds each read of the log and of the billing history.
const pageSize = 1000

// checked are the projections whose rows an audit checks: balances and payment
// statuses, and the billing history.
var checked = []projections.Projector{accounts.Projector, ledger.Projector}

// derived is what the log says, up to the head the audit read.
type derived struct {
	head     eventlog.Position
	events   int
	accounts map[uuid.UUID]*ledgerOf
	payments map[uuid.UUID]accounts.Payment
	// The last event each checked projection handles: the read models must have
	// applied at least this far to be compared.
	needs map[string]eventlog.Position
	// revisions is each account stream's last revision up to head: a billing history
	// fed from the bus (in no global order) must have applied each stream this far.
	revisions map[string]uint64
}

// ledgerOf is one account as its stream tells it.
type ledgerOf struct {
	state  account.State
	lines  []ledger.Entry // EventID, Amount, BalanceAfter of each money event
	breaks []Difference   // money events whose balance_after is not the folded balance
}

// Verify reads the whole log up to its current head, re-derives every account and
// payment, and compares the read models with them. When a read model has not applied
// the log that far yet, the report says so (Lag) and compares nothing: a lag is not
// corruption, and the caller may wait and verify again.
func Verify(ctx context.Context, log Log, reads Reads) (Report, error) {
	started := time.Now()
	d, err := derive(ctx, log)
	if err != nil {
		return Report{}, err
	}
	r := Report{Head: d.head, Events: d.events, Accounts: len(d.accounts), Payments: len(d.payments)}
	for _, p := range checked {
		at, err := reads.Checkpoint(ctx, p.Name())
		if err != nil {
			return r, fmt.Errorf("checkpoint of %s: %w", p.Name(), err)
		}
		if !at.Less(d.needs[p.Name()]) {
			continue
		}
		lag := Lag{Projection: p.Name(), At: at, Needs: d.needs[p.Name()]}
		if p.Name() == ledger.Name {
			// Fed from the bus, the history moves per stream, not by its checkpoint.
			if lag.StreamsBehind, err = streamsBehind(ctx, d.revisions, reads); err != nil {
				return r, err
			}
			if lag.StreamsBehind == 0 {
				continue
			}
			lag.Streams = len(d.revisions)
		}
		r.Lag = append(r.Lag, lag)
	}
	if len(r.Lag) == 0 {
		if err := compare(ctx, log, d, reads, &r); err != nil {
			return r, err
		}
	}
	r.Elapsed = time.Since(started)
	return r, nil
}

// streamsBehind counts the account streams the billing history has not applied up to
// their revision in the audited log.
func streamsBehind(ctx context.Context, revisions map[string]uint64, reads Reads) (int, error) {
	behind := 0
	for stream, revision := range revisions {
		applied, found, err := reads.AppliedRevision(ctx, stream)
		if err != nil {
			return 0, fmt.Errorf("billing history of %s: %w", stream, err)
		}
		if !found || applied < revision {
			behind++
		}
	}
	return behind, nil
}

// derive folds every account stream of the log with the domain's Evolve.
func derive(ctx context.Context, log Log) (derived, error) {
	d := derived{accounts: map[uuid.UUID]*ledgerOf{}, payments: map[uuid.UUID]accounts.Payment{}, needs: map[string]eventlog.Position{},
		revisions: map[string]uint64{}}
	head, err := log.Head(ctx)
	if err != nil {
		return d, fmt.Errorf("log head: %w", err)
	}
	d.head = head
	c := codec.Shop()
	for after := eventlog.Start; after.Less(head); {
		batch, err := log.ReadAll(ctx, after, pageSize)
		if err != nil {
			return d, fmt.Errorf("read the log after %s: %w", after, err)
		}
		if len(batch) == 0 {
			break
		}
		for _, rec := range batch {
			if head.Less(rec.Position) {
				return d, nil // written after the audit started: not part of it
			}
			after = rec.Position
			d.events++
			if !strings.HasPrefix(rec.StreamID, "account-") {
				continue
			}
			d.revisions[rec.StreamID] = rec.Revision
			e, err := c.Decode(rec.Type, rec.Data)
			if err != nil {
				return d, fmt.Errorf("%s@%d: %w", rec.StreamID, rec.Revision, err)
			}
			for _, p := range checked {
				if p.Handles(rec.Type) {
					d.needs[p.Name()] = rec.Position
				}
			}
			f, ok := factOf(e)
			if !ok {
				continue
			}
			a := d.accounts[f.user]
			if a == nil {
				a = &ledgerOf{state: account.Initial()}
				d.accounts[f.user] = a
			}
			a.state = account.Evolve(a.state, e)
			d.payments[f.payment.ID] = f.payment
			if f.line && f.after != a.state.Balance {
				a.breaks = append(a.breaks, Difference{Account: f.user, What: fmt.Sprintf("balance_after of event %s (%s@%d) in the log", rec.ID, rec.StreamID, rec.Revision),
					Expected: fmt.Sprint(a.state.Balance), Found: fmt.Sprint(f.after)})
			}
			if f.line {
				a.lines = append(a.lines, ledger.Entry{Position: rec.Position.Commit, EventID: rec.ID, UserID: f.user,
					Amount: f.amount, BalanceAfter: f.after})
			}
		}
	}
	return d, nil
}

// compare checks the read models against what the log says, adding every difference
// to the report.
func compare(ctx context.Context, log Log, d derived, reads Reads, r *Report) error {
	users := slices.SortedFunc(maps.Keys(d.accounts), func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	found := map[uuid.UUID]money.Kopecks{} // balances that differ from the log's at the head
	for _, user := range users {
		a := d.accounts[user]
		for _, b := range a.breaks {
			r.differ(b)
		}
		balance, err := reads.Balance(ctx, user)
		if err != nil {
			return fmt.Errorf("balance of %s: %w", user, err)
		}
		if balance != a.state.Balance {
			found[user] = balance
		}
	}
	// A server applying the log meanwhile may have moved a balance past the head the
	// audit read: a balance the account took since then is right, not a difference.
	later, err := balancesSince(ctx, log, d.head, found)
	if err != nil {
		return err
	}
	for _, user := range users {
		if balance, ok := found[user]; ok && !later[user][balance] {
			r.differ(Difference{Account: user, What: "balance", Expected: fmt.Sprint(d.accounts[user].state.Balance), Found: fmt.Sprint(balance)})
		}
	}
	ids := slices.SortedFunc(maps.Keys(d.payments), func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	for _, id := range ids {
		want := d.payments[id]
		got, ok, err := reads.Payment(ctx, id)
		if err != nil {
			return fmt.Errorf("payment %s: %w", id, err)
		}
		if !ok {
			r.differ(Difference{Account: want.UserID, Payment: id, What: "payment", Expected: describe(want), Found: "none"})
			continue
		}
		got = accounts.Payment{ID: got.ID, UserID: got.UserID, Kind: got.Kind, Amount: got.Amount, Status: got.Status}
		if got != want {
			r.differ(Difference{Account: want.UserID, Payment: id, What: "payment", Expected: describe(want), Found: describe(got)})
		}
	}
	return compareLedger(ctx, d, reads, r)
}

// compareLedger reads the whole billing history once, in log order, and compares each
// account's lines with its money events.
func compareLedger(ctx context.Context, d derived, reads Reads, r *Report) error {
	byUser := map[uuid.UUID][]ledger.Entry{}
	for after := uint64(0); ; {
		page, err := reads.Ledger(ctx, ledger.Query{After: after, Limit: pageSize})
		if err != nil {
			return fmt.Errorf("billing history after %d: %w", after, err)
		}
		for _, l := range page {
			if l.Position > d.head.Commit {
				continue // projected after the audit read the log
			}
			byUser[l.UserID] = append(byUser[l.UserID], l)
			r.LedgerLines++
		}
		if len(page) < pageSize {
			break
		}
		after = page[len(page)-1].Position
	}
	users := map[uuid.UUID]bool{}
	for u := range d.accounts {
		users[u] = true
	}
	for u := range byUser {
		users[u] = true
	}
	for _, user := range slices.SortedFunc(maps.Keys(users), func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) }) {
		var want []ledger.Entry
		if a := d.accounts[user]; a != nil {
			want = a.lines
		}
		got := byUser[user]
		if len(got) != len(want) {
			r.differ(Difference{Account: user, What: "billing history lines", Expected: fmt.Sprint(len(want)), Found: fmt.Sprint(len(got))})
		}
		for i := range min(len(got), len(want)) {
			w, g := want[i], got[i]
			if g.EventID != w.EventID || g.Amount != w.Amount || g.BalanceAfter != w.BalanceAfter {
				r.differ(Difference{Account: user, What: fmt.Sprintf("billing history line %d", i+1),
					Expected: fmt.Sprintf("event %s amount %d balance_after %d", w.EventID, w.Amount, w.BalanceAfter),
					Found:    fmt.Sprintf("event %s amount %d balance_after %d", g.EventID, g.Amount, g.BalanceAfter)})
			}
		}
	}
	return nil
}

func describe(p accounts.Payment) string {
	return fmt.Sprintf("%s %d kopecks %s (account %s)", p.Kind, p.Amount, p.Status, p.UserID)
}

// balancesSince reads the log after head (up to its head now, which is at or past
// anything the read models could have applied when their balances were read) and
// returns every balance each of the given accounts took there.
func balancesSince(ctx context.Context, log Log, head eventlog.Position, accounts map[uuid.UUID]money.Kopecks) (map[uuid.UUID]map[money.Kopecks]bool, error) {
	took := map[uuid.UUID]map[money.Kopecks]bool{}
	if len(accounts) == 0 {
		return took, nil
	}
	c := codec.Shop()
	for after := head; ; {
		batch, err := log.ReadAll(ctx, after, pageSize)
		if err != nil {
			return nil, fmt.Errorf("read the log after %s: %w", after, err)
		}
		for _, rec := range batch {
			after = rec.Position
			if !strings.HasPrefix(rec.StreamID, "account-") {
				continue
			}
			e, err := c.Decode(rec.Type, rec.Data)
			if err != nil {
				return nil, fmt.Errorf("%s@%d: %w", rec.StreamID, rec.Revision, err)
			}
			if f, ok := factOf(e); ok && f.line {
				if _, watched := accounts[f.user]; watched {
					if took[f.user] == nil {
						took[f.user] = map[money.Kopecks]bool{}
					}
					took[f.user][f.after] = true
				}
			}
		}
		if len(batch) < pageSize {
			return took, nil
		}
	}
}
