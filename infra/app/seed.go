package app

import (
	"context"
	"errors"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/demo"
)

// demoSeed is the correlation id of the demo catalogue's events: a log holding only
// those is a new shop.
const demoSeed = "demo-seed"

// Seed publishes the demo catalogue through the normal commands, so it is in the
// event log like any premiere. Its ids are fixed: seeding twice publishes nothing new.
func (a *App) Seed(ctx context.Context) (published int, err error) {
	for _, p := range demo.Catalogue() {
		p.Now = a.Clock.Now()
		w, err := a.Handlers.PublishPremiere.Handle(ctx, commands.PublishPremiere{Publish: p, Request: commands.Request{CorrelationID: demoSeed}})
		if errors.Is(err, premiere.ErrAlreadyPublished) {
			continue
		}
		if err != nil {
			return published, err
		}
		if w.Position != eventlog.Start {
			published++
		}
	}
	return published, nil
}

// SeedIfEmpty seeds the demo catalogue on an empty store when the configuration asks.
func (a *App) SeedIfEmpty(ctx context.Context) error {
	if !a.Config.Demo {
		return nil
	}
	head, err := a.Events.Head(ctx)
	if err != nil || head != eventlog.Start {
		return err
	}
	n, err := a.Seed(ctx)
	if err == nil {
		a.Log.Info("demo catalogue published", "premieres", n)
	}
	return err
}
