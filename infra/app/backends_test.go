package app_test

import (
	"testing"

	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/eventstore/esdb/esdbfake"
	"github.com/chance-video/chance/infra/readstore/readpostgres/pgtest"
)

// postgresReads puts the read models in a fresh schema of CHANCE_TEST_POSTGRES_URL,
// dropped afterwards (pgtest skips without the server, unless CI requires it).
func postgresReads(t *testing.T, cfg *config.Config) {
	url := pgtest.URL(t)
	cfg.ReadStore, cfg.PostgresURL, cfg.PostgresSchema = config.Postgres, url, pgtest.Schema(t, url)
}

// postgresEverything puts the log and the read models in PostgreSQL: the log in the
// schema <prefix>_events beside the read models' (both dropped afterwards).
func postgresEverything(t *testing.T, cfg *config.Config) {
	postgresReads(t, cfg)
	cfg.EventStore, cfg.EventsPostgresURL = config.Postgres, cfg.PostgresURL
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

func TestCustomerJourneyOnPostgres(t *testing.T) {
	customerJourney(t, newShopOn(t, postgresEverything))
}
