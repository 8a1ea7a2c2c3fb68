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
// Fencing (why a holder stops before a standby can write): if the network between the
// holder and the server breaks, the server ends the session only after its TCP
// keepalives (tcp_keepalives_idle + count × interval, set per session below: ≥ 10 s)
// or tcp_user_timeout (10 s) give up; only then can a standby get the lock, and only
// at its next try. The holder notices at its first failed check: within Check +
// CheckTimeout (≤ 2 s by default), and cancels its work, which stops at its next
// database call or message — some 8 s before the standby could start. A holder
// frozen (SIGSTOP, a long pause) keeps its session alive — its kernel still answers
// keepalives — so nobody takes over: the role pauses rather than runs twice.
type Postgres struct {
	URL string
	// Namespace separates the leases of shops sharing one database (the schema).
	Namespace    string
	Retry        time.Duration // a standby's pause between tries; default 1 s
	Check        time.Duration // the holder's pause between checks; default 1 s
	CheckTimeout time.Duration // bounds one check; default 1 s
	OnChange     OnChange      // optional
	Log          *slog.Logger  // optional
}

// Defaults of Postgres.
const (
	DefaultRetry        = time.Second
	DefaultCheck        = time.Second
	DefaultCheckTimeout = time.Second
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
		p.log().Info("lease acquired", "lease", name)
		p.changed(name, true)
		lost, err := p.work(ctx, conn, fn)
		p.changed(name, false)
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		_ = conn.Close(closeCtx) // ending the session releases the lock
		cancel()
		if lost == nil {
			return err
		}
		p.log().Warn("lease lost; the work stopped, standing by", "lease", name, "error", lost)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
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
			check, stop := context.WithTimeout(ctx, p.checkTimeout())
			_, cerr := conn.Exec(check, `SELECT 1`)
			stop()
			if cerr != nil && ctx.Err() == nil {
				cancel()
				<-done
				return fmt.Errorf("connection check: %w", cerr), nil
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

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
