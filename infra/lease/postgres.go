package lease

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// Postgres leases are PostgreSQL session advisory locks, each on a connection of its
// own (never from a pool: a pooled connection would carry the lock to whoever borrows
// it next, and a lock is only as alive as its session).
//
// Acquiring: a standby tries pg_try_advisory_lock every Retry on its connection. The
// server frees the lock when the holder's session ends — at once when the holder's
// process dies (its kernel closes the socket), or when pg_terminate_backend ends it.
//
// Holding: the holder checks its connection every Check, each check bounded by
// CheckTimeout; a failed check is a lost lease: the work's context is cancelled and
// Hold waits for the work to return before it stands by again.
//
// Fencing (why a new holder starts only after the old one has stopped): the server
// frees the lock as soon as the holder's session ends — at once on pg_terminate_backend,
// a server restart or failover, a proxy dropping the connection — while the old
// holder, if its process is alive, learns it only at its next check: within Check +
// CheckTimeout (≤ 2 s by default). It then cancels its work and waits for it to return;
// an append the work had already handed to the event store may still commit a moment
// later (the PostgreSQL store's writer commits in a goroutine of its own). So a new
// holder, once it has the lock, waits Fence before it starts the work — longer than
// the old holder's detection plus a drain allowance (DefaultDrain, 3 s: a commit
// normally takes milliseconds) — checking its own connection meanwhile. Fence
// defaults to Check + CheckTimeout + DefaultDrain (5 s): a failover takes that much
// longer, and so does a process's first start of each role. Every process of a
// fleet must use the same Check and CheckTimeout (the defaults) for the sum to hold.
// A commit stalled longer than the drain allowance (a database that takes seconds to
// commit) is what the effects' idempotency covers (reminders per term version, sent
// records, events keyed by their flow).
//
// If the network between the holder and the server breaks, the server ends the
// session only after its TCP keepalives (tcp_keepalives_idle + count × interval, set
// per session below: ≥ 10 s) or tcp_user_timeout (10 s) give up, and the new holder
// then still waits Fence. A holder frozen (SIGSTOP, a long pause) keeps its session
// alive — its kernel still answers keepalives — so nobody takes over: the role pauses
// rather than runs twice.
//
// Session advisory locks need a session per client: behind a PgBouncer in transaction
// (or statement) pooling mode, the lock would be taken on whichever server connection
// ran the statement and held for other clients — leases are then broken. Point
// CHANCE_POSTGRES_URL at PostgreSQL itself or at a session-mode pool.
type Postgres struct {
	URL string
	// Namespace separates the leases of shops sharing one database (the schema).
	Namespace    string
	Retry        time.Duration // a standby's pause between tries; default 1 s
	Check        time.Duration // the holder's pause between checks; default 1 s
	CheckTimeout time.Duration // bounds one check; default 1 s
	// Fence is how long a new holder waits, holding the lock, before it starts the
	// work; default Check + CheckTimeout + DefaultDrain.
	Fence    time.Duration
	OnChange OnChange // optional
	// OnStandby, optional, is told when a try finds the lease held by another process
	// (the role is served elsewhere: this process stands by).
	OnStandby func(name string)
	Log       *slog.Logger // optional
}

// Defaults of Postgres.
const (
	DefaultRetry        = time.Second
	DefaultCheck        = time.Second
	DefaultCheckTimeout = time.Second
	// DefaultDrain is the time allowed to an old holder's work, after its check failed,
	// to stop and to have its last write committed (see Fencing).
	DefaultDrain = 3 * time.Second
)

// sessionSettings make the server drop the lease's session (freeing the lock) some
// 10 s after the holder's machine stops answering — much later than the holder's own
// checks notice (see Postgres).
var sessionSettings = map[string]string{
	"tcp_keepalives_idle":     "5",
	"tcp_keepalives_interval": "1",
	"tcp_keepalives_count":    "5",
	"tcp_user_timeout":        "10000",
}

// ApplicationName is the application_name of a lease's connection (operators see who
// holds what in pg_stat_activity; tests find the holder there).
func ApplicationName(name string) string { return "chance lease " + name }

// Hold runs fn while this process holds the lease name, waiting as a standby until it
// gets it; if the lease is lost, fn's context is cancelled and, once fn has returned,
// Hold stands by again. It returns when ctx ends (ctx's error) or when fn returns by
// itself (fn's error), having released the lease.
func (p *Postgres) Hold(ctx context.Context, name string, fn func(ctx context.Context) error) error {
	for {
		conn, err := p.acquire(ctx, name)
		if err != nil {
			return err
		}
		if err := p.fence(ctx, conn, name); err != nil {
			p.close(ctx, conn)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			p.log().Warn("lease lost while waiting out the fencing delay; standing by", "lease", name, "error", err)
			continue
		}
		p.log().Info("lease acquired", "lease", name)
		p.changed(name, true)
		lost, err := p.work(ctx, conn, fn)
		p.changed(name, false)
		p.close(ctx, conn) // ending the session releases the lock
		if lost == nil {
			return err
		}
		p.log().Warn("lease lost; the work stopped, standing by", "lease", name, "error", lost)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// fence waits Fence with the lock before the work may start, so that a holder whose
// session the server ended has noticed and stopped (see Fencing); it checks the
// connection meanwhile, and fails if a check does.
func (p *Postgres) fence(ctx context.Context, conn *pgx.Conn, name string) error {
	p.log().Info("lease locked; waiting out the fencing delay before starting", "lease", name, "delay", p.fenceDelay())
	end := time.NewTimer(p.fenceDelay())
	defer end.Stop()
	t := time.NewTicker(p.check())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-end.C:
			return p.ping(ctx, conn)
		case <-t.C:
			if err := p.ping(ctx, conn); err != nil {
				return err
			}
		}
	}
}

// ping checks the lease's connection within CheckTimeout.
func (p *Postgres) ping(ctx context.Context, conn *pgx.Conn) error {
	check, stop := context.WithTimeout(ctx, p.checkTimeout())
	defer stop()
	if _, err := conn.Exec(check, `SELECT 1`); err != nil {
		return fmt.Errorf("connection check: %w", err)
	}
	return nil
}

func (p *Postgres) close(ctx context.Context, conn *pgx.Conn) {
	closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	_ = conn.Close(closeCtx)
}

// acquire returns a connection whose session holds the lease, once it does.
func (p *Postgres) acquire(ctx context.Context, name string) (*pgx.Conn, error) {
	key := p.Namespace + " " + name
	var conn *pgx.Conn
	failures := 0
	for {
		if conn == nil {
			c, err := p.connect(ctx, name)
			if err != nil {
				failures++
				if failures == 1 || failures%30 == 0 {
					p.log().Warn("lease: cannot reach PostgreSQL; trying again", "lease", name, "error", err)
				}
			}
			conn = c
		}
		if conn != nil {
			try, cancel := context.WithTimeout(ctx, p.checkTimeout()+p.retry())
			var got bool
			err := conn.QueryRow(try, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, key).Scan(&got)
			cancel()
			switch {
			case err == nil && got:
				return conn, nil
			case err == nil && p.OnStandby != nil:
				p.OnStandby(name)
			case err != nil:
				closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
				_ = conn.Close(closeCtx)
				cancel()
				conn = nil
			}
		}
		select {
		case <-ctx.Done():
			if conn != nil {
				closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
				_ = conn.Close(closeCtx)
				cancel()
			}
			return nil, ctx.Err()
		case <-time.After(p.retry()):
		}
	}
}

func (p *Postgres) connect(ctx context.Context, name string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(p.URL)
	if err != nil {
		return nil, fmt.Errorf("lease %s: bad database URL: %w", name, err)
	}
	for k, v := range sessionSettings {
		cfg.RuntimeParams[k] = v
	}
	cfg.RuntimeParams["application_name"] = ApplicationName(name)
	if cfg.ConnectTimeout <= 0 || cfg.ConnectTimeout > 5*time.Second {
		cfg.ConnectTimeout = 5 * time.Second
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("lease %s: %w", name, err)
	}
	return conn, nil
}

// work runs fn while checking the connection. lost is non-nil when a check failed
// (fn's context was cancelled); err is fn's own result.
func (p *Postgres) work(ctx context.Context, conn *pgx.Conn, fn func(context.Context) error) (lost, err error) {
	held, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- fn(held) }()
	t := time.NewTicker(p.check())
	defer t.Stop()
	for {
		select {
		case err := <-done:
			return nil, err
		case <-ctx.Done():
			cancel()
			return nil, <-done
		case <-t.C:
			if cerr := p.ping(ctx, conn); cerr != nil && ctx.Err() == nil {
				cancel()
				<-done
				return cerr, nil
			}
		}
	}
}

func (p *Postgres) changed(name string, held bool) {
	if p.OnChange != nil {
		p.OnChange(name, held)
	}
}

func (p *Postgres) log() *slog.Logger {
	if p.Log == nil {
		return slog.Default()
	}
	return p.Log
}

func (p *Postgres) retry() time.Duration { return orDefault(p.Retry, DefaultRetry) }
func (p *Postgres) check() time.Duration { return orDefault(p.Check, DefaultCheck) }
func (p *Postgres) checkTimeout() time.Duration {
	return orDefault(p.CheckTimeout, DefaultCheckTimeout)
}

func (p *Postgres) fenceDelay() time.Duration {
	return orDefault(p.Fence, p.check()+p.checkTimeout()+DefaultDrain)
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
