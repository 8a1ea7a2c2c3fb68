package app

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/chance-video/chance/commands"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/eventstore/esdb"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
	"github.com/chance-video/chance/infra/eventstore/postgres"
	"github.com/chance-video/chance/infra/readstore/readpostgres"
	"github.com/chance-video/chance/infra/readstore/readsqlite"
	"github.com/chance-video/chance/infra/snapshotstore/snappostgres"
	"github.com/chance-video/chance/infra/snapshotstore/snapsqlite"
)

// connectTimeout bounds how long a start waits for a server before failing.
const connectTimeout = 10 * time.Second

// openEvents opens the configured event store; a server that cannot be reached fails
// the start with the variable to fix. onCommit is told of each group commit (SQLite
// and PostgreSQL).
func openEvents(cfg config.Config, onCommit func(appends, events int)) (eventlog.Store, error) {
	switch cfg.EventStore {
	case config.ESDB:
		s, err := esdb.Open(cfg.ESDBURL)
		if err != nil {
			return nil, fmt.Errorf("CHANCE_ESDB_URL: %w", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
		defer cancel()
		if _, err := s.Head(ctx); err != nil {
			s.Close()
			return nil, fmt.Errorf("CHANCE_ESDB_URL: EventStoreDB not reachable: %w", err)
		}
		return s, nil
	case config.Postgres:
		ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
		defer cancel()
		s, err := postgres.Open(ctx, cfg.EventsPostgresURL, postgres.WithSchema(cfg.EventsSchema()), postgres.WithOnCommit(onCommit))
		if err != nil {
			return nil, fmt.Errorf("CHANCE_EVENTSTORE_POSTGRES_URL: PostgreSQL event store not reachable: %w", err)
		}
		if _, err := s.Head(ctx); err != nil {
			s.Close()
			return nil, fmt.Errorf("CHANCE_EVENTSTORE_POSTGRES_URL: PostgreSQL event store not reachable: %w", err)
		}
		return s, nil
	default:
		s, err := eventsqlite.OpenWith(cfg.EventsPath(), eventStoreOptions(cfg, onCommit))
		if err != nil {
			return nil, fmt.Errorf("CHANCE_DATA_DIR: %w", err)
		}
		return s, nil
	}
}

// openReads opens the configured read store.
func openReads(cfg config.Config) (ReadStore, error) {
	switch cfg.ReadStore {
	case config.Postgres:
		ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
		defer cancel()
		s, err := readpostgres.Open(ctx, cfg.PostgresURL, readpostgres.WithSchema(cfg.PostgresSchema))
		if err != nil {
			return nil, fmt.Errorf("CHANCE_POSTGRES_URL: %w", err)
		}
		return s, nil
	default:
		s, err := readsqlite.OpenWith(cfg.ReadDir(), readStoreOptions(cfg))
		if err != nil {
			return nil, fmt.Errorf("CHANCE_DATA_DIR: %w", err)
		}
		return s, nil
	}
}

// snapshotsCloser is a snapshot store the app closes.
type snapshotsCloser interface {
	commands.Snapshots
	Close() error
}

// openSnapshots opens the snapshot store beside the event store: a file of its own in
// the data folder for the embedded store, a table in the event store's schema for
// PostgreSQL. EventStoreDB has none here (its streams are folded from the log on a
// cold load; snapshots there would be a stream per stream, not built yet).
func openSnapshots(cfg config.Config) (snapshotsCloser, error) {
	switch cfg.EventStore {
	case config.ESDB:
		return nil, nil
	case config.Postgres:
		ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
		defer cancel()
		s, err := snappostgres.Open(ctx, cfg.EventsPostgresURL, cfg.EventsSchema())
		if err != nil {
			return nil, fmt.Errorf("CHANCE_EVENTSTORE_POSTGRES_URL: snapshots: %w", err)
		}
		return s, nil
	default:
		s, err := snapsqlite.OpenWithCache(filepath.Join(cfg.DataDir, "snapshots.db"), snapshotCacheKiB(cfg))
		if err != nil {
			return nil, fmt.Errorf("CHANCE_DATA_DIR: %w", err)
		}
		return s, nil
	}
}
