package esdb

import "log/slog"

// Options tune a Store beyond what its connection string says.
type Options struct {
	// Log gets a warning each time a subscription drops and is started again, so that a
	// subscription retrying in the background is visible. Nil means slog.Default().
	Log *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return o
}
