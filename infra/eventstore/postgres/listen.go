package postgres

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// listener holds one connection that LISTENs on the log's channel and wakes this
// process's subscriptions on every notification. Every appending transaction, in any
// process, notifies as it commits (see writer.commit).
//
// It starts with the first Subscribe. When its connection drops it connects again, with a
// backoff up to the poll interval, and wakes every subscription once it listens again:
// commits made while nobody listened notified no one. Until then the subscriptions'
// fallback poll keeps them going.
type listener struct {
	cfg     *pgx.ConnConfig
	channel string
	wake    func()
	backoff time.Duration // the longest wait between connection attempts

	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	listening atomic.Uint64 // LISTENs issued, for tests
	pid       atomic.Uint32 // backend of the current connection, for tests
}

func newListener(cfg *pgx.ConnConfig, channel string, wake func(), backoff time.Duration) *listener {
	ctx, cancel := context.WithCancel(context.Background())
	return &listener{cfg: cfg, channel: channel, wake: wake, backoff: backoff, ctx: ctx, cancel: cancel, done: make(chan struct{})}
}

func (l *listener) start() { l.once.Do(func() { go l.run() }) }

// stop ends the listener (started or not) and waits for it.
func (l *listener) stop() {
	l.once.Do(func() { close(l.done) }) // never started: nothing to wait for
	l.cancel()
	<-l.done
}

func (l *listener) run() {
	defer close(l.done)
	wait := 50 * time.Millisecond
	for {
		listened := l.listenUntilError()
		if l.ctx.Err() != nil {
			return
		}
		if listened {
			wait = 50 * time.Millisecond
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-l.ctx.Done():
			t.Stop()
			return
		}
		wait = min(2*wait, l.backoff)
	}
}

// listenUntilError connects, listens and wakes the subscriptions on every notification
// until the connection fails or the listener stops. It reports whether it got as far as
// listening.
func (l *listener) listenUntilError() bool {
	connectCtx, cancel := context.WithTimeout(l.ctx, l.cfg.ConnectTimeout)
	conn, err := pgx.ConnectConfig(connectCtx, l.cfg)
	cancel()
	if err != nil {
		return false
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(closeCtx) //nolint:errcheck // the connection is being dropped
	}()
	listenCtx, cancel := context.WithTimeout(l.ctx, l.cfg.ConnectTimeout)
	_, err = conn.Exec(listenCtx, `LISTEN `+quote(l.channel))
	cancel()
	if err != nil {
		return false
	}
	l.pid.Store(conn.PgConn().PID())
	l.listening.Add(1)
	l.wake() // catch up on what committed while nobody listened
	for {
		if _, err := conn.WaitForNotification(l.ctx); err != nil {
			return true
		}
		l.wake()
	}
}
