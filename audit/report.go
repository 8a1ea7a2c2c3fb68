package audit

import (
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// maxDifferences bounds the differences a report keeps; Total counts them all.
const maxDifferences = 1000

// Report is what an audit found.
type Report struct {
	Head        eventlog.Position // the log was read up to here
	Events      int               // log events read
	Accounts    int               // accounts re-derived
	Payments    int               // payments checked
	LedgerLines int               // billing-history lines checked
	Elapsed     time.Duration
	// Lag lists the read models that have not applied the log up to Head yet; then
	// nothing was compared.
	Lag         []Lag
	Differences []Difference // the first maxDifferences
	Total       int          // every difference found
}

// Lag: a read model is behind the log.
type Lag struct {
	Projection string
	At         eventlog.Position // its checkpoint
	Needs      eventlog.Position // the last event of the log it must apply
	// A read model fed from the bus applies streams in no global order: of Streams,
	// StreamsBehind are not applied up to the audited log (0: judged by checkpoint).
	Streams, StreamsBehind int
}

// Difference: the read models do not say what the log does.
type Difference struct {
	Account  uuid.UUID
	Payment  uuid.UUID // uuid.Nil when the difference is about the account
	What     string
	Expected string // what the log says
	Found    string // what the read model (or the event) says
}

// Clean reports whether the read models were compared and agree with the log.
func (r Report) Clean() bool { return len(r.Lag) == 0 && r.Total == 0 }

func (r *Report) differ(d Difference) {
	r.Total++
	if len(r.Differences) < maxDifferences {
		r.Differences = append(r.Differences, d)
	}
}

// Write prints the summary and, if any, the lag or the differences, readably.
func (r Report) Write(w io.Writer) {
	fmt.Fprintf(w, "audit verify: %d events up to position %s, %d accounts, %d payments, %d billing-history lines checked in %s\n",
		r.Events, r.Head, r.Accounts, r.Payments, r.LedgerLines, r.Elapsed.Round(time.Millisecond))
	for _, l := range r.Lag {
		if l.StreamsBehind > 0 {
			fmt.Fprintf(w, "LAG  read model %s (fed from the bus) has not applied %d of %d account streams up to the audited log: it is behind, not wrong; nothing was compared\n",
				l.Projection, l.StreamsBehind, l.Streams)
			continue
		}
		fmt.Fprintf(w, "LAG  read model %s has applied the log up to %s, but the log has its events up to %s: it is behind, not wrong; nothing was compared\n",
			l.Projection, l.At, l.Needs)
	}
	for _, d := range r.Differences {
		subject := "account " + d.Account.String()
		if d.Payment != uuid.Nil {
			subject = "payment " + d.Payment.String()
		}
		fmt.Fprintf(w, "DIFF %s: %s: log says %s, found %s\n", subject, d.What, d.Expected, d.Found)
	}
	if more := r.Total - len(r.Differences); more > 0 {
		fmt.Fprintf(w, "... and %d more differences\n", more)
	}
	switch {
	case len(r.Lag) > 0:
		fmt.Fprintln(w, "result: read models behind the log")
	case r.Total > 0:
		fmt.Fprintf(w, "result: %d differences between the log and the read models\n", r.Total)
	default:
		fmt.Fprintln(w, "result: clean")
	}
}
