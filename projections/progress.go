package projections

import (
	"context"
	"sync"

	"github.com/chance-video/chance/eventlog"
)

// Progress tracks how far each projection (and any other follower of the log, such
// as the notification policy) has applied the log, so a query can wait until the
// read side has reached a client's last write.
type Progress struct {
	mu      sync.Mutex
	reached map[string]eventlog.Position
	changed chan struct{} // closed and replaced on every change
}

// NewProgress tracks the named followers, all starting before the first event.
func NewProgress(names ...string) *Progress {
	p := &Progress{reached: map[string]eventlog.Position{}, changed: make(chan struct{})}
	for _, n := range names {
		p.reached[n] = eventlog.Start
	}
	return p
}

// Track adds a follower (such as the notifier) that waits must also account for.
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
	if current, ok := p.reached[name]; ok && !current.Less(pos) && current != pos {
		return // never move back: a restart re-reads from an older checkpoint
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

// Wait blocks until every tracked follower has reached pos, or ctx ends.
func (p *Progress) Wait(ctx context.Context, pos eventlog.Position) error {
	for {
		p.mu.Lock()
		behind := false
		for _, r := range p.reached {
			if r.Less(pos) {
				behind = true
				break
			}
		}
		changed := p.changed
		p.mu.Unlock()
		if !behind {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
