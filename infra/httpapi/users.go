package httpapi

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/infra/auth"
)

type registerBody struct {
	Email     string `json:"email"`
	Password  string `json:"password"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

// missing names the first field the body leaves out (or blank): read as "" it was
// refused as `"" is not an email address`. Checked before the costly hash.
func (in registerBody) missing() error {
	for _, f := range []struct{ name, value string }{
		{"email", in.Email}, {"password", in.Password}, {"first_name", in.FirstName}, {"last_name", in.LastName},
	} {
		if strings.TrimSpace(f.value) == "" {
			return badRequest("%s is required", f.name)
		}
	}
	return nil
}

type profileReply struct {
	ID        uuid.UUID `json:"id"`
	Email     string    `json:"email"`
	FirstName string    `json:"first_name"`
	LastName  string    `json:"last_name"`
	Roles     []string  `json:"roles"`
}

func (a *api) register(c *gin.Context) {
	var in registerBody
	if err := decode(c, &in, false); err != nil {
		a.fail(c, err)
		return
	}
	if err := in.missing(); err != nil {
		a.fail(c, err)
		return
	}
	if _, err := user.NormaliseEmail(in.Email); err != nil {
		a.fail(c, err) // before the costly hash
		return
	}
	if err := auth.CheckPasswordPolicy(in.Password); err != nil {
		a.fail(c, err)
		return
	}
	// Counted after the cheap checks (a typo costs nothing) and before the costly
	// hash and the appends, which are what a bulk sign-up script would spend.
	if ok, retry := a.signUps.Allow(c.ClientIP()); !ok {
		a.fail(c, tooManyAttempts("registrations from this address", retry))
		return
	}
	hash, err := a.hasher.Hash(c.Request.Context(), in.Password)
	if err != nil {
		a.fail(c, err)
		return
	}
	w, err := a.cmd.Register.Handle(c.Request.Context(), commands.RegisterUser{Request: a.request(c),
		Profile: commands.Registration{Email: in.Email, FirstName: in.FirstName, LastName: in.LastName, PasswordHash: hash}})
	if err != nil {
		a.fail(c, err)
		return
	}
	u, pos := w.State, w.Position
	// The new user's first reads (after signing in) wait for their registration.
	a.q.Wrote(u.ID, pos)
	c.Header(headerPosition, pos.String())
	c.Header("Location", Prefix+"/users")
	reply(c, http.StatusCreated, profileReply{ID: u.ID, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName, Roles: u.Roles})
}

type loginBody struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type loginReply struct {
	Token     string    `json:"token"`
	TokenType string    `json:"token_type"`
	ExpiresAt time.Time `json:"expires_at"`
	UserID    uuid.UUID `json:"user_id"`
	Roles     []string  `json:"roles"`
}

// errWrongCredentials does not say which of the two was wrong: that would tell an
// attacker which emails are registered.
var errWrongCredentials = unauthorized("the email or the password is wrong", "")

func (a *api) login(c *gin.Context) {
	var in loginBody
	if err := decode(c, &in, false); err != nil {
		a.fail(c, err)
		return
	}
	if strings.TrimSpace(in.Email) == "" || in.Password == "" {
		a.fail(c, badRequest("email and password are required"))
		return
	}
	// No account has longer ones; refusing them here also keeps the limiter's keys
	// (one per email tried) small.
	if len(strings.TrimSpace(in.Email)) > user.MaxEmail || utf8.RuneCountInString(in.Password) > auth.MaxPasswordLength {
		a.fail(c, badRequest("an email has at most %d characters and a password at most %d", user.MaxEmail, auth.MaxPasswordLength))
		return
	}
	// Every attempt counts, a correct one too: otherwise a guesser learns the
	// password was right from the one attempt that is not limited.
	if ok, retry := a.limiter.Allow(in.Email, c.ClientIP()); !ok {
		a.fail(c, tooManyAttempts("sign-in attempts", retry))
		return
	}
	u, err := a.cmd.UserByEmail.Handle(c.Request.Context(), in.Email)
	if errors.Is(err, user.ErrNotFound) {
		_, _ = a.hasher.Check(c.Request.Context(), in.Password, a.dummyHash) // as slow as a real check
		a.fail(c, errWrongCredentials)
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	ok, err := a.hasher.Check(c.Request.Context(), in.Password, u.PasswordHash)
	if err != nil {
		a.fail(c, err)
		return
	}
	if !ok {
		a.fail(c, errWrongCredentials)
		return
	}
	token, claims, err := a.tokens.Issue(u.ID, u.Roles)
	if err != nil {
		a.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store") // a token, as RFC 6749 §5.1 asks of token answers
	reply(c, http.StatusOK, loginReply{Token: token, TokenType: "Bearer", ExpiresAt: claims.ExpiresAt, UserID: u.ID, Roles: claims.Roles})
}

func (a *api) logout(c *gin.Context) {
	claims := caller(c)
	pos, err := a.cmd.RevokeToken.Handle(c.Request.Context(), commands.RevokeToken{UserID: claims.UserID, TokenID: claims.TokenID, ExpiresAt: claims.ExpiresAt, Request: a.request(c)})
	if err != nil {
		a.fail(c, err)
		return
	}
	a.revoked.add(claims.TokenID, claims.ExpiresAt, a.clock.Now())
	a.checkedTokens.forget(claims.TokenID)
	a.wrote(c, pos)
	c.Status(http.StatusNoContent)
}

func (a *api) profile(c *gin.Context) {
	p, err := a.q.Profile(c.Request.Context(), callerID(c))
	if err != nil {
		a.fail(c, err)
		return
	}
	reply(c, http.StatusOK, p)
}

func (a *api) notifications(c *gin.Context) {
	limit, err := queryInt(c, "limit")
	if err != nil {
		a.fail(c, err)
		return
	}
	n, err := a.q.Notifications(c.Request.Context(), callerID(c), limit)
	if err != nil {
		a.fail(c, err)
		return
	}
	reply(c, http.StatusOK, n)
}
