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
