package app_test

import (
	"context"
	"os"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/eventstore/esdb/esdbfake"
)

// postgresReads puts the read models in a fresh schema of CHANCE_TEST_POSTGRES_URL,
// dropped afterwards. Without the variable the test skips, unless CI requires it.
func postgresReads(t *testing.T, cfg *config.Config) {
	url := os.Getenv("CHANCE_TEST_POSTGRES_URL")
	if url == "" {
		if os.Getenv("CHANCE_REQUIRE_POSTGRES") == "1" {
			t.Fatal("CHANCE_REQUIRE_POSTGRES=1 but CHANCE_TEST_POSTGRES_URL is not set")
		}
		t.Skip("CHANCE_TEST_POSTGRES_URL not set: the PostgreSQL run is skipped")
	}
	schema := "t_" + uuid.NewString()[:8]
	cfg.ReadStore, cfg.PostgresURL, cfg.PostgresSchema = config.Postgres, url, schema
	t.Cleanup(func() { dropSchemas(t, url, schema) })
}

// dropSchemas drops every schema whose name starts with prefix.
func dropSchemas(t *testing.T, url, prefix string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Errorf("clean up %s: %v", prefix, err)
		return
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 || '%'`, prefix)
	if err != nil {
		t.Errorf("clean up %s: %v", prefix, err)
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Errorf("clean up %s: %v", prefix, err)
		return
	}
	for _, n := range names {
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+pgx.Identifier{n}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("drop %s: %v", n, err)
		}
	}
}

// esdbFake runs the event store on the in-process EventStoreDB protocol fake (a
// protocol fake, not evidence of server compatibility), through the real client.
func esdbFake(t *testing.T, cfg *config.Config) {
	srv, err := esdbfake.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	cfg.EventStore, cfg.ESDBURL = config.ESDB, srv.URL()
}

func both(bs ...backend) backend {
	return func(t *testing.T, cfg *config.Config) {
		for _, b := range bs {
			b(t, cfg)
		}
	}
}

func TestCustomerJourneyOnSQLiteEventsAndPostgresReads(t *testing.T) {
	customerJourney(t, newShopOn(t, postgresReads))
}

func TestCustomerJourneyOnESDBFakeAndPostgres(t *testing.T) {
	customerJourney(t, newShopOn(t, both(postgresReads, esdbFake)))
}

func TestCustomerJourneyOnESDBFake(t *testing.T) {
	customerJourney(t, newShopOn(t, esdbFake))
}
