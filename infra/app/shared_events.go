package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/infra/config"
)

// A PostgreSQL event store can be shared by several processes, but read models of a
// process's own (SQLite, in its data folder) cannot: such a process keeps its own
// checkpoints, sent records and leases (always held), so two of them on one log would
// both forward, schedule, recover and send every email. claimEventStore makes that
// refused at start rather than discovered in customers' mailboxes: on the log's
// database, a process with its own read models takes an exclusive session advisory
// lock, and a process with shared read models (the fleet) a shared one on the same key
// — held until Close, on a connection of their own. (EventStoreDB offers no such lock:
// there, one process with its own read models per log is the operator's rule; see
// the warning at start.)
func (a *App) claimEventStore(ctx context.Context) error {
	cfg := a.Config
	if cfg.EventStore == config.ESDB && cfg.ReadStore != config.Postgres {
		a.Log.Warn("the EventStoreDB log with read models of this process's own (CHANCE_READSTORE=sqlite): run one process on this log; several need CHANCE_READSTORE=postgres")
		return nil
	}
	if cfg.EventStore != config.Postgres {
		return nil
	}
	exclusive := cfg.ReadStore != config.Postgres
	connect, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	pcfg, err := pgx.ParseConfig(cfg.EventsPostgresURL)
	if err != nil {
		return fmt.Errorf("event store claim: %w", err)
	}
	pcfg.RuntimeParams["application_name"] = "chance event store claim"
	// A process cut off from the server loses its claim within seconds, not the
	// system's default two hours, so its restart elsewhere is not refused that long.
	for k, v := range map[string]string{"tcp_keepalives_idle": "5", "tcp_keepalives_interval": "1", "tcp_keepalives_count": "5", "tcp_user_timeout": "10000"} {
		pcfg.RuntimeParams[k] = v
	}
	conn, err := pgx.ConnectConfig(connect, pcfg)
	if err != nil {
		return fmt.Errorf("event store claim: %w", err)
	}
	lock := `SELECT pg_try_advisory_lock_shared(hashtextextended($1, 0))`
	if exclusive {
		lock = `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`
	}
	var got bool
	if err := conn.QueryRow(connect, lock, "chance processes on "+cfg.EventsSchema()).Scan(&got); err != nil {
		_ = conn.Close(context.WithoutCancel(connect))
		return fmt.Errorf("event store claim: %w", err)
	}
	if !got {
		_ = conn.Close(context.WithoutCancel(connect))
		if exclusive {
			return fmt.Errorf("another chance process uses the PostgreSQL log %s: with read models of its own (CHANCE_READSTORE=sqlite) a process must be the only one on its log, or both would forward, schedule and send every email; to run several, set CHANCE_READSTORE=postgres on all of them", cfg.EventsSchema())
		}
		return fmt.Errorf("a chance process with read models of its own (CHANCE_READSTORE=sqlite) uses the PostgreSQL log %s: stop it, or give it CHANCE_READSTORE=postgres, before processes sharing the read models join", cfg.EventsSchema())
	}
	a.closers = append(a.closers, func() error {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		return conn.Close(closeCtx)
	})
	return nil
}
