// Package projections builds the read models from the event log. A projector is a
// function of (transaction, event); the runner feeds it the log from its checkpoint
// and commits the checkpoint in the same transaction as the rows, so a crash never
// applies an event twice or skips one. Rebuild replays a projection from position
// zero into fresh tables and swaps them in once caught up.
//
// The machinery knows read models only by name: a store opens a transaction for a
// projection and hands the projector its read model's own write port (see Writes and
// NewModel); the read models themselves live in readmodel/<name>.
package projections
