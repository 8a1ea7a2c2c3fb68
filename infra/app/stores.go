package app

import (
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/config"
	eventsqlite "github.com/chance-video/chance/infra/eventstore/sqlite"
	readsqlite "github.com/chance-video/chance/infra/readstore/sqlite"
)

// openEvents opens the configured event store.
func openEvents(cfg config.Config) (eventlog.Store, error) {
	return eventsqlite.Open(cfg.EventsPath())
}

// openReads opens the configured read store.
func openReads(cfg config.Config) (ReadStore, error) {
	return readsqlite.Open(cfg.ReadDir())
}
