package readpostgres

import (
	"context"
	"errors"
	"fmt"
)

// read runs fn on the serving generation of projection. If the generation's tables are
// gone — another process promoted a rebuild and dropped them — it looks up the serving
// generation in the manifest and runs fn once more there. In this process a promote
// never drops a generation under a read (see refs), so this only happens across
// processes.
func (s *Store) read(ctx context.Context, name string, fn func(g *generation) error) error {
	p, err := s.projection(name)
	if err != nil {
		return err
	}
	for retried := false; ; retried = true {
		g, release, err := p.Acquire()
		if err != nil {
			return err
		}
		err = fn(g)
		release()
		if retried || !dropped(err) {
			return err
		}
		if changed, rerr := s.refresh(ctx, p); rerr != nil || !changed {
			return errors.Join(err, rerr)
		}
	}
}

// refresh points p at the generation the manifest says serves, if that is another one
// than p's, and reports whether it changed. The old generation is not dropped: the
// process that promoted does that.
func (s *Store) refresh(ctx context.Context, p *projection) (bool, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT serving FROM `+s.base+`.generations WHERE projection = $1`, p.Name()).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("refresh the serving generation of %s: %w", p.Name(), err)
	}
	return p.Replace(func(current *generation) (*generation, bool) {
		if current.number == n {
			return nil, false
		}
		return newGeneration(s.schema, p.Name(), n), true
	})
}
