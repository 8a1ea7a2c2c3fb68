package httpapi

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/infra/auth"
)

const callerKey = "chance.caller"

// caller is the verified claims of the request's bearer token (zero when anonymous).
func caller(c *gin.Context) auth.Claims {
	if v, ok := c.Get(callerKey); ok {
		return v.(auth.Claims)
	}
	return auth.Claims{}
}

// callerID is the signed-in user's id, or uuid.Nil.
func callerID(c *gin.Context) uuid.UUID { return caller(c).UserID }

// authenticate checks the bearer token. With required, a request without a valid,
// unrevoked token is a 401; without, such a request goes on anonymously (public
// pages must not break because a browser kept an expired token).
func (a *api) authenticate(required bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		claims, err := a.verify(c)
		if err != nil {
			if required {
				a.fail(c, err)
				return
			}
			claims = auth.Claims{}
		}
		if claims.UserID != uuid.Nil {
			c.Set(callerKey, claims)
		}
		c.Next()
	}
}

// maxAuthorization bounds the Authorization header: our tokens are a few hundred
// bytes, and nothing larger is worth parsing.
const maxAuthorization = 4096

// bearerToken reads the token of an Authorization header: "Bearer <token>", the
// scheme in any case; a 401 problem says what is wrong with any other value.
func bearerToken(header string) (string, error) {
	if header == "" {
		return "", unauthorized("sign in first: send the token from POST /api/v1/login as Authorization: Bearer <token>", "")
	}
	if len(header) > maxAuthorization {
		return "", unauthorized(fmt.Sprintf("the Authorization header is longer than %d bytes; send the token from POST /api/v1/login", maxAuthorization), "invalid_request")
	}
	scheme, token, found := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !found || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", unauthorized("the Authorization header must be: Bearer <token>", "invalid_request")
	}
	return token, nil
}

// verify returns the request's token's claims; zero claims and a 401 problem if
// there is no usable token.
func (a *api) verify(c *gin.Context) (auth.Claims, error) {
	token, err := bearerToken(c.GetHeader("Authorization"))
	if err != nil {
		return auth.Claims{}, err
	}
	claims, err := a.tokens.Verify(token)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return auth.Claims{}, unauthorized("the token has expired; sign in again", "invalid_token")
	case err != nil:
		return auth.Claims{}, unauthorized("the token is not valid; sign in again", "invalid_token")
	}
	now := a.clock.Now()
	revoked := a.revoked.has(claims.TokenID, now)
	if !revoked && !a.checkedTokens.fresh(claims.TokenID, now) {
		// The read model learns of revocations from other instances too; this
		// process's own logouts are refused above even before it catches up.
		if revoked, err = a.q.TokenRevoked(c.Request.Context(), claims.TokenID); err != nil {
			return auth.Claims{}, err
		}
		if !revoked {
			a.checkedTokens.unrevoked(claims.TokenID, now)
		}
	}
	if revoked {
		return auth.Claims{}, unauthorized("the token was revoked by signing out; sign in again", "invalid_token")
	}
	if err := a.userExists(c, claims.UserID); err != nil {
		return auth.Claims{}, err
	}
	return claims, nil
}

// userExists refuses a token whose subject is no user. A valid signature says only
// that this server's key signed it; a leaked key, a token from another deployment
// with the same secret, or a forged test token must not act for a user id that was
// never registered (issue 7: such a token could fill a balance nobody owns).
//
// The user's own stream on the command side is the authority, read through the
// command service's stream cache, so a user who has just registered is found at
// once (the users read model might lag). Users are never removed, so once found a
// user is remembered and later requests cost nothing. WARNING: if removing users is
// ever added, knownUsers must forget a removed user on every instance.
func (a *api) userExists(c *gin.Context, id uuid.UUID) error {
	if a.knownUsers.has(id) {
		return nil
	}
	_, err := a.cmd.User.Handle(c.Request.Context(), id)
	if errors.Is(err, user.ErrNotFound) {
		return unauthorized("the token's user does not exist; sign in again", "invalid_token")
	}
	if err != nil {
		return err
	}
	a.knownUsers.add(id)
	return nil
}

// knownUsers are the user ids seen to exist, at most max of them (then one is
// forgotten at random and looked up again when it comes back).
type knownUsers struct {
	mu  sync.Mutex
	max int
	ids map[uuid.UUID]struct{}
}

// maxKnownUsers bounds the set to a few MiB.
const maxKnownUsers = 100_000

func newKnownUsers(max int) *knownUsers {
	return &knownUsers{max: max, ids: make(map[uuid.UUID]struct{})}
}

func (k *knownUsers) has(id uuid.UUID) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	_, ok := k.ids[id]
	return ok
}

func (k *knownUsers) add(id uuid.UUID) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.ids) >= k.max {
		for victim := range k.ids { // map order is random: a random eviction
			delete(k.ids, victim)
			break
		}
	}
	k.ids[id] = struct{}{}
}

// requireRole refuses a signed-in caller without role.
func (a *api) requireRole(role string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !caller(c).HasRole(role) {
			a.fail(c, forbidden("this needs the "+role+" role"))
			return
		}
		c.Next()
	}
}

// revokedTokens are the tokens this process revoked, until they expire: a logout
// is refused at once, whatever the read model's lag. Bounded by the tokens issued
// within one token lifetime that were logged out.
type revokedTokens struct {
	mu     sync.Mutex
	expiry map[string]time.Time
	swept  time.Time
}

func newRevokedTokens() *revokedTokens { return &revokedTokens{expiry: map[string]time.Time{}} }

func (r *revokedTokens) add(tokenID string, expiresAt, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.expiry[tokenID] = expiresAt
	if now.Sub(r.swept) >= time.Minute { // sweeping at most once a minute keeps add cheap
		for id, exp := range r.expiry {
			if !exp.After(now) {
				delete(r.expiry, id)
			}
		}
		r.swept = now
	}
}

func (r *revokedTokens) has(tokenID string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	exp, ok := r.expiry[tokenID]
	return ok && exp.After(now)
}

// noStoreWhenSignedIn keeps every answer to a request carrying Authorization out of
// caches: a balance, a token or a history is one customer's, and a shared cache
// (a proxy, a CDN) that kept it could hand it to the next caller of the URL. An
// answer to an unsigned request keeps its own caching (a public catalogue page).
func noStoreWhenSignedIn(c *gin.Context) {
	if c.GetHeader("Authorization") != "" {
		c.Header("Cache-Control", "no-store")
	}
	c.Next()
}
