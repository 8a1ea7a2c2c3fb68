package app

import (
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"github.com/chance-video/chance/infra/auth"
	"github.com/chance-video/chance/infra/httpapi"
	"github.com/chance-video/chance/infra/playback"
	"github.com/chance-video/chance/infra/web"
	"github.com/chance-video/chance/queries"
)

// HTTPOptions let tests make password hashing cheap; production uses the defaults.
type HTTPOptions struct {
	Hasher auth.Hasher
}

// Handler builds the HTTP API over this App: tokens signed with the data folder's key
// (or CHANCE_JWT_SECRET), watch links signed with CHANCE_PLAYBACK_SECRET (or a key
// derived from the tokens'), queries that wait for the client's own writes.
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
	signUps, err := auth.NewRegistrationLimiter(auth.RegistrationLimits{PerAddr: rate.Every(a.Config.RegisterEvery),
		Burst: a.Config.RegisterBurst, MaxKeys: auth.DefaultMaxKeys}, a.Clock.Now)
	if err != nil {
		return nil, err
	}
	links, err := a.playbackLinks(key)
	if err != nil {
		return nil, err
	}
	q, err := queries.New(a.Reads, a.Clock, a.Runner.Progress(), queries.Options{MaxWait: a.Config.ReadWait, Fed: a.fedReads()})
	if err != nil {
		return nil, err
	}
	storefront, err := web.New()
	if err != nil {
		return nil, err
	}
	return httpapi.New(httpapi.Deps{Commands: a.Handlers, Queries: q, Hooks: a.Hooks, Tokens: tokens, Hasher: auth.NewBoundedHasher(opts.Hasher, hashSlots(a.Config, opts.Hasher)),
		Limiter: limiter, Clock: a.Clock, Logger: a.Log, Rebuilder: a.rebuilder(), DeadLetters: a.DeadLetters,
		Ready: a.readyForHTTP(), MaxHeaderBytes: a.Config.HTTPMaxHeaderBytes, Registrations: signUps,
		TrustedProxies: a.Config.TrustedProxies, Ops: a.Ops(), RequestMetrics: a.Metrics, Tracer: a.requestTracer(),
		Playback: links, PlaybackTTL: a.Config.PlaybackTTL, TestPay: a.testPayPage(q),
		Storefront: storefront})
}

// playbackLinks sign watch links with CHANCE_PLAYBACK_SECRET, or else with a key
// derived from the token signing key (the same on every instance that shares it).
func (a *App) playbackLinks(tokenKey []byte) (*playback.Links, error) {
	if a.Config.PlaybackSecret != "" {
		return playback.NewLinks([]byte(a.Config.PlaybackSecret))
	}
	return playback.NewLinks(playback.DeriveKey(tokenKey))
}

// ServerLimits are the configured limits of the HTTP server.
func (a *App) ServerLimits() httpapi.ServerLimits {
	c := a.Config
	return httpapi.ServerLimits{ReadTimeout: c.HTTPReadTimeout, ReadHeaderTimeout: min(c.HTTPReadTimeout, 5*time.Second),
		WriteTimeout: c.HTTPWriteTimeout, IdleTimeout: c.HTTPIdleTimeout, MaxHeaderBytes: c.HTTPMaxHeaderBytes,
		MaxConnections: c.HTTPMaxConnections, MaxPerClient: c.HTTPMaxPerClient, TrustedProxies: c.TrustedProxies}
}
