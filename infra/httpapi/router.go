// Package httpapi is the shop's HTTP API (DESIGN.md §2): a gin router under /api/v1
// whose handlers decode a request, call a command or a query, and encode the answer.
// Errors become RFC 9457 problems in problem.go only.
package httpapi

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/infra/auth"
	"github.com/chance-video/chance/infra/playback"
	"github.com/chance-video/chance/queries"
	"github.com/chance-video/chance/usecase"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// PasswordHasher hashes and checks passwords (auth.BoundedHasher): a costly step that
// waits its turn, given up when the request's ctx ends.
type PasswordHasher interface {
	Hash(ctx context.Context, plain string) (string, error)
	Check(ctx context.Context, plain, hash string) (bool, error)
}

// LoginLimiter rate-limits sign-in attempts (auth.LoginLimiter).
type LoginLimiter interface {
	Allow(email, addr string) (ok bool, retryAfter time.Duration)
}

// RegistrationLimiter rate-limits registrations per client address (auth.RegistrationLimiter).
type RegistrationLimiter interface {
	Allow(addr string) (ok bool, retryAfter time.Duration)
}

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Deps is what the API needs. Logger may be nil (nothing is logged);
// every other field is required.
type Deps struct {
	// Commands are the write side's use cases, decorated by whoever built them.
	Commands commands.Handlers
	Queries  Queries
	// Hooks run around every query (the commands come with theirs); zero: none.
	Hooks   usecase.Hooks
	Tokens  *auth.Tokens
	Hasher  PasswordHasher
	Limiter LoginLimiter
	// Registrations limits sign-ups per client address; nil means
	// auth.DefaultRegistrationLimits on Clock.
	Registrations RegistrationLimiter
	Clock         Clock
	Logger        *slog.Logger
	// TrustedProxies are the addresses (or CIDRs) of reverse proxies whose
	// X-Forwarded-For names the client. Empty: the connection's peer is the client,
	// so nobody can dodge the sign-in limiter by forging the header.
	TrustedProxies []string
	// Rebuilder, if set, lets admins rebuild read models online (POST /admin/replay/:projection).
	Rebuilder Rebuilder
	// Ready, if set, gates the API (503 until ready) and answers /readyz; nil: always ready.
	Ready Readiness
	// MaxHeaderBytes, if positive, bounds the request line and headers (431 problem).
	MaxHeaderBytes int
	// DeadLetters, if set, lets admins list and requeue dead letters (/admin/dead-letters).
	DeadLetters DeadLetters
	// Ops are the operations endpoints' checks (and /metrics); its Starting defaults to Ready.
	Ops Ops
	// RequestMetrics, if set, times every request.
	RequestMetrics RequestMetrics
	// Tracer, if set, opens a span per request (tracing on).
	Tracer RequestTracer
	// Storefront, if set, serves the customers' pages at / and /assets/.
	Storefront Storefront
	// TestPay, if set, serves the test payment provider's page (/pay/test/:id);
	// nil: the page answers 404 (CHANCE_PAYMENTS is not test).
	TestPay *TestPayPage
	// Playback signs and checks watch links; nil: a key of this process alone (links
	// then open only on this instance, until it restarts).
	Playback *playback.Links
	// PlaybackTTL is how long a watch link lasts (never beyond the term); 0: DefaultPlaybackTTL.
	PlaybackTTL time.Duration
}

func (d Deps) validate() error {
	if d.Queries == nil || d.Tokens == nil || d.Hasher == nil || d.Limiter == nil || d.Clock == nil {
		return errors.New("httpapi: Commands, Queries, Tokens, Hasher, Limiter and Clock are required")
	}
	return d.Commands.Validate()
}

// releaseMode switches gin, a package-wide setting, out of debug mode once: no route
// dump on start, no colour codes in logs.
var releaseMode sync.Once

// api holds the handlers' dependencies.
type api struct {
	cmd       commands.Handlers
	q         Queries
	tokens    *auth.Tokens
	hasher    PasswordHasher
	limiter   LoginLimiter
	signUps   RegistrationLimiter
	rebuilder Rebuilder
	ready     Readiness
	dlq       DeadLetters // the dead-letter desk
	testPay   *TestPayPage
	// notifySlots bounds the payment notifications verified at once.
	notifySlots chan struct{}
	playback    *playback.Links
	// playbackTTL bounds a watch link's life.
	playbackTTL time.Duration
	clock       Clock
	log         *slog.Logger
	revoked     *revokedTokens
	// checkedTokens are tokens the read model called unrevoked a moment ago.
	checkedTokens *checkedTokens
	inFlight      *inFlight
	// knownUsers are token subjects seen to exist (userExists).
	knownUsers *knownUsers

	maxHeaderBytes int
	// dummyHash is checked against when the email is unknown, so a failed sign-in
	// takes as long whether or not the account exists.
	dummyHash string
}

// New builds the API's handler. Serving it, and shutting it down gracefully, is the
// caller's job.
func New(d Deps) (http.Handler, error) {
	if err := d.validate(); err != nil {
		return nil, err
	}
	log := d.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	dummy, err := d.Hasher.Hash(context.Background(), uuid.NewString())
	if err != nil {
		return nil, err
	}
	a := &api{cmd: d.Commands, q: observeQueries(d.Queries, d.Hooks), tokens: d.Tokens, hasher: d.Hasher, limiter: d.Limiter, rebuilder: d.Rebuilder, ready: d.Ready, clock: d.Clock,
		maxHeaderBytes: d.MaxHeaderBytes, dlq: d.DeadLetters, testPay: d.TestPay, log: log, revoked: newRevokedTokens(), inFlight: newInFlight(), dummyHash: dummy}
	a.knownUsers = newKnownUsers(maxKnownUsers)
	a.checkedTokens = newCheckedTokens()
	a.notifySlots = make(chan struct{}, maxNotificationsInFlight)
	if a.playback, err = playbackLinks(d); err != nil {
		return nil, err
	}
	if a.playbackTTL = d.PlaybackTTL; a.playbackTTL <= 0 {
		a.playbackTTL = DefaultPlaybackTTL
	}
	if a.signUps = d.Registrations; a.signUps == nil {
		if a.signUps, err = auth.NewRegistrationLimiter(auth.DefaultRegistrationLimits, d.Clock.Now); err != nil {
			return nil, err
		}
	}

	releaseMode.Do(func() { gin.SetMode(gin.ReleaseMode) })
	e := gin.New()
	if err := e.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, err
	}
	// Both /search and /search/ are routes of their own (the brief writes some
	// paths with a slash), so no redirects, which would also drop POST bodies.
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.HandleMethodNotAllowed = true
	if d.RequestMetrics != nil {
		e.Use(measureRequests(d.RequestMetrics))
	}
	e.Use(a.logRequests)
	if d.Tracer != nil {
		e.Use(a.traceRequests(d.Tracer))
	}
	e.Use(a.recoverPanics, a.limitHeaders, noStoreWhenSignedIn)
	e.NoRoute(func(c *gin.Context) {
		a.fail(c, notFound("there is no "+c.Request.URL.Path+"; the API lives under "+Prefix))
	})
	e.NoMethod(func(c *gin.Context) {
		a.fail(c, newProblem(http.StatusMethodNotAllowed, c.Request.Method+" is not allowed on "+c.Request.URL.Path+
			"; allowed: "+c.Writer.Header().Get("Allow")))
	})
	ops := d.Ops
	if ops.Starting == nil {
		ops.Starting = d.Ready
	}
	ops.routes(e)
	serveOpenAPI(e)
	if d.Storefront != nil {
		a.storefrontRoutes(e, d.Storefront)
	}
	// The test payment provider's page: a page for people, outside the API.
	e.GET("/pay/test/:id", a.payPage)
	e.POST("/pay/test/:id", a.payPagePost)
	e.GET(WatchPath+"/:rental_id", a.gateUntilReady, a.watchPage)
	a.routes(e.Group(Prefix, a.gateUntilReady))
	return e, nil
}

// routes is the whole API. Reads go through consistent (read-your-writes, for the
// read models each reads); every POST that moves money goes through idempotent.
func (a *api) routes(v1 *gin.RouterGroup) {
	public := v1.Group("", a.authenticate(false))
	route(public, http.MethodPost, "/register", a.register)
	route(public, http.MethodPost, "/login", a.login)
	route(public, http.MethodGet, "/search", a.consistent(queries.ForCatalogue), a.search)
	route(public, http.MethodGet, "/premiere/:id", a.consistent(queries.ForCatalogue), a.premiere)
	route(public, http.MethodGet, "/rent/:id", a.consistent(queries.ForCatalogue), a.quote)
	// The payment provider calls this one; what it says is verified with the provider.
	route(public, http.MethodPost, "/payments/yookassa/notifications", a.yookassaNotified)

	signed := v1.Group("", a.authenticate(true))
	route(signed, http.MethodPost, "/logout", a.logout)
	route(signed, http.MethodGet, "/users", a.consistent(queries.ForProfile), a.profile)
	route(signed, http.MethodPatch, "/users", a.changeSettings)
	route(signed, http.MethodGet, "/notifications", a.consistent(queries.ForNotifications), a.notifications)

	route(signed, http.MethodGet, "/premiere/:id/term", a.consistent(queries.ForRentals), a.term)
	route(signed, http.MethodGet, "/me/premieres", a.consistent(queries.ForRentals), a.myPremieres)
	route(signed, http.MethodPost, "/rent", a.idempotent, a.rent)
	route(signed, http.MethodPost, "/rent/:rental_id/term", a.idempotent, a.changeTerm)
	route(signed, http.MethodPost, "/rent/:rental_id/cancel", a.idempotent, a.cancel)
	route(signed, http.MethodPost, "/rentals/:id/watch", a.consistent(queries.ForRentals), a.watch)

	route(signed, http.MethodGet, "/cart", a.consistent(queries.ForCart), a.cart)
	route(signed, http.MethodPost, "/cart/items", a.addToCart)
	route(signed, http.MethodPatch, "/cart/items/:premiere_id", a.changeCartItem)
	route(signed, http.MethodDelete, "/cart/items/:premiere_id", a.removeFromCart)
	route(signed, http.MethodGet, "/cart/checkout", a.checkoutForm)
	route(signed, http.MethodPost, "/cart/checkout", a.idempotent, a.checkout)

	route(signed, http.MethodGet, "/billing/amount", a.consistent(queries.ForBalance), a.balance)
	route(signed, http.MethodPost, "/billing/fill", a.idempotent, a.fill)
	route(signed, http.MethodPost, "/billing/withdraw", a.idempotent, a.withdraw)
	route(signed, http.MethodGet, "/billing/status/:id", a.consistent(queries.ForBalance), a.paymentStatus)
	route(signed, http.MethodGet, "/billing/history", a.consistent(queries.ForLedger), a.history)

	audit := signed.Group("/audit", a.requireRole(user.RoleAuditor))
	route(audit, http.MethodGet, "/billing", a.consistent(queries.ForLedger), a.auditBilling)

	admin := signed.Group("/admin", a.requireRole(user.RoleAdmin))
	route(admin, http.MethodPost, "/premieres", a.publish)
	route(admin, http.MethodPatch, "/premieres/:id", a.changePremiere)
	route(admin, http.MethodDelete, "/premieres/:id", a.withdrawFromSale)
	route(admin, http.MethodPost, "/replay/:projection", a.replay)
	route(admin, http.MethodGet, "/dead-letters", a.deadLetters)
	route(admin, http.MethodPost, "/dead-letters/:id/requeue", a.requeueDeadLetter)
}

// route registers a path with and without a trailing slash.
func route(g *gin.RouterGroup, method, path string, handlers ...gin.HandlerFunc) {
	g.Handle(method, path, handlers...)
	g.Handle(method, path+"/", handlers...)
}
