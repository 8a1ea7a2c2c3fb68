package app

import (
	"context"
	"net/http"
	"slices"

	"github.com/chance-video/chance/infra/auth"
	httpapi "github.com/chance-video/chance/infra/http"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/queries"
)

// HTTPOptions let tests make password hashing cheap; production uses the defaults.
type HTTPOptions struct {
	Hasher auth.Hasher
}

// Handler builds the HTTP API over this App: tokens signed with the data folder's key
// (or CHANCE_JWT_SECRET), queries that wait for the client's own writes.
func (a *App) Handler(opts HTTPOptions) (http.Handler, error) {
	key, err := auth.LoadOrCreateKey(a.Config.DataDir, a.Config.JWTSecret)
	if err != nil {
		return nil, err
	}
	tokens, err := auth.NewTokens(key, a.Config.TokenTTL, a.Clock.Now)
	if err != nil {
		return nil, err
	}
	limiter, err := auth.NewLoginLimiterWithLimits(auth.DefaultLoginLimits, a.Clock.Now)
	if err != nil {
		return nil, err
	}
	q, err := queries.New(a.Reads, a.Clock, a.Runner.Progress(), queries.Options{MaxWait: a.Config.ReadWait})
	if err != nil {
		return nil, err
	}
	return httpapi.New(httpapi.Deps{Commands: a.Commands, Queries: q, Tokens: tokens, Hasher: opts.Hasher,
		Limiter: limiter, Clock: a.Clock, Logger: a.Log, Rebuilder: rebuilder{a.Runner}, DeadLetters: a.DeadLetters})
}

// rebuilder lets admins rebuild read models online through the runner.
type rebuilder struct{ runner *projections.Runner }

func (r rebuilder) Names() []string { return r.runner.Names() }

func (r rebuilder) Rebuild(ctx context.Context, name string) (uint64, error) {
	if !slices.Contains(r.runner.Names(), name) {
		return 0, httpapi.ErrUnknownProjection
	}
	var events uint64
	err := r.runner.Rebuild(ctx, name, func(p projections.RebuildReport) { events = p.Events })
	return events, err
}
