package snappostgres_test

import (
	"context"
	"testing"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/readstore/readpostgres/pgtest"
	"github.com/chance-video/chance/infra/snapshotstore/snappostgres"
	"github.com/chance-video/chance/infra/snapshotstore/snapshottest"
)

// The tests run against CHANCE_TEST_POSTGRES_URL, each in a schema of its own (see pgtest).
func TestContract(t *testing.T) {
	url := pgtest.URL(t)
	snapshottest.Run(t, func(t *testing.T) commands.Snapshots {
		s, err := snappostgres.Open(context.Background(), url, pgtest.Schema(t, url))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// Processes of a fleet start together: each creates the table if it is missing, and
// none may fail for it (CREATE ... IF NOT EXISTS races with itself in pg_type).
func TestProcessesStartingTogetherAllOpen(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url)
	const processes = 8
	errs := make(chan error, processes)
	start := make(chan struct{})
	for range processes {
		go func() {
			<-start
			s, err := snappostgres.Open(context.Background(), url, schema)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	close(start)
	for range processes {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
