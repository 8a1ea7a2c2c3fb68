package projections

import (
	"context"
	"fmt"
	"sync"

	"github.com/chance-video/chance/eventlog"
)

// Progress tracks how far each projection (or another follower of the log, such as
// the forwarder in a Progress of its own) has applied the log, so a query can wait
// until the read models it reads have reached a client's last write.
type Progress struct {
	mu      sync.Mutex
	reached map[string]eventlog.Position
	changed chan struct{} // closed and replaced on every change
	waiting int           // Wait calls blocked now
	began   chan struct{} // closed and replaced whenever a Wait call starts blocking
}

// NewProgress tracks the named followers, all starting before the first event.
func NewProgress(names ...string) *Progress {
	p := &Progress{reached: map[string]eventlog.Position{}, changed: make(chan struct{}), began: make(chan struct{})}
	for _, n := range names {
		p.reached[n] = eventlog.Start
	}
	return p
}

// Track adds a follower; a Wait that names no follower waits for it too.
func (p *Progress) Track(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.reached[name]; !ok {
		p.reached[name] = eventlog.Start
	}
}

// Set records that name has applied everything up to pos.
func (p *Progress) Set(name string, pos eventlog.Position) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if current, ok := p.reached[name]; ok && !current.Less(pos) {
		return // never move back (a restart re-reads from an older checkpoint); nothing new to wake waiters for
	}
	p.reached[name] = pos
	close(p.changed)
	p.changed = make(chan struct{})
}

// Reached is how far name has applied the log.
func (p *Progress) Reached(name string) eventlog.Position {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reached[name]
}

// Wait blocks until the named followers (every tracked one if none is named) have
// reached pos, or ctx ends. A name that is not tracked is an error: waiting for it
// would never end.
func (p *Progress) Wait(ctx context.Context, pos eventlog.Position, names ...string) error {
	blocked := false
	for {
		p.mu.Lock()
		behind, unknown := false, ""
		if len(names) == 0 {
			for _, r := range p.reached {
				behind = behind || r.Less(pos)
			}
		}
		for _, name := range names {
			r, ok := p.reached[name]
			if !ok {
				unknown = name
				break
			}
			behind = behind || r.Less(pos)
		}
		changed := p.changed
		p.mu.Unlock()
		if unknown != "" {
			return fmt.Errorf("wait for %q: %w", unknown, ErrUnknownProjection)
		}
		if !behind {
			return nil
		}
		if err := p.block(ctx, changed, &blocked); err != nil {
			return err
		}
	}
}

// block waits for changed or ctx's end, counted as a waiter (Waiting).
func (p *Progress) block(ctx context.Context, changed <-chan struct{}, blocked *bool) error {
	p.mu.Lock()
	p.waiting++
	if !*blocked { // a new waiter: whoever keeps progress up to date may look now
		*blocked = true
		close(p.began)
		p.began = make(chan struct{})
	}
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.waiting--
		p.mu.Unlock()
	}()
	select {
	case <-changed:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Waiting tells how many Wait calls are blocked now, and a channel closed when one more
// starts blocking: progress kept up to date from elsewhere (another process's
// projector) need only be looked at while someone waits for it.
func (p *Progress) Waiting() (n int, began <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.waiting, p.began
}
