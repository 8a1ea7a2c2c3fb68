// Package lease makes one process at a time the active one for a role that must not
// run twice at once (a projection's follower, the forwarder, the scheduler, flow
// recovery). A process that wants the role holds its lease while it works; the others
// stand by and take over within seconds when the holder dies.
//
// Two implementations: Local, for the embedded default, where the data folder's lock
// already guarantees one process, and Postgres, a session advisory lock on a dedicated
// connection. Effects stay idempotent all the same (reminders per term version, sent
// records, events keyed by their flow): a lease narrows the window for double work, it
// is not what makes double work harmless.
package lease

import "context"

// OnChange is told when this process starts or stops holding a lease (for a metric).
type OnChange func(name string, held bool)

// Local is a lease always held: the embedded setup has one process per data folder.
type Local struct {
	OnChange OnChange // optional
}

// Hold runs fn at once, as the holder.
func (l Local) Hold(ctx context.Context, name string, fn func(ctx context.Context) error) error {
	if l.OnChange != nil {
		l.OnChange(name, true)
		defer l.OnChange(name, false)
	}
	return fn(ctx)
}
