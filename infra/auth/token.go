package auth

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Tokens are JWTs (RFC 7519) signed with HMAC-SHA256 by github.com/golang-jwt/jwt/v5,
// the maintained Go JWT library: parsing and signature checks are not ours to
// hand-roll. The same process issues and verifies, so a shared secret is enough
// and no public key has to be published.

// Issuer is the iss claim of every token; Verify refuses any other.
const Issuer = "chance-video"

// MinKeyLength is the shortest HS256 key accepted: RFC 7518 §3.2 asks for a key
// at least as long as the hash output (256 bits).
const MinKeyLength = 32

// ErrInvalidToken is every reason to refuse a token (expired, bad signature,
// wrong algorithm, malformed …). The wrapped error says which; callers answer
// 401 either way. errors.Is(err, jwt.ErrTokenExpired) tells expiry apart.
var ErrInvalidToken = errors.New("invalid token")

// Claims is what a verified token says about its bearer.
type Claims struct {
	UserID    uuid.UUID
	Roles     []string
	TokenID   string // jti: names this token, e.g. to revoke it at logout
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// HasRole reports whether the token grants role r.
func (c Claims) HasRole(r string) bool { return slices.Contains(c.Roles, r) }

// wireClaims is the JSON payload: the registered claims plus roles.
type wireClaims struct {
	Roles []string `json:"roles"`
	jwt.RegisteredClaims
}

// Tokens issues and verifies signed tokens. Safe for concurrent use.
type Tokens struct {
	key    []byte
	ttl    time.Duration
	now    func() time.Time
	parser *jwt.Parser
	known  verifiedTokens
}

// NewTokens returns Tokens signing with key (at least MinKeyLength bytes), valid
// for ttl (at least a second: JWT times are whole seconds), reading the time
// from now.
func NewTokens(key []byte, ttl time.Duration, now func() time.Time) (*Tokens, error) {
	if len(key) < MinKeyLength {
		return nil, fmt.Errorf("token signing key is %d bytes, want at least %d", len(key), MinKeyLength)
	}
	if ttl < time.Second {
		return nil, fmt.Errorf("token lifetime %v is under a second", ttl)
	}
	if now == nil {
		return nil, errors.New("token clock is nil")
	}
	return &Tokens{
		key: slices.Clone(key), // the caller's slice may be reused or wiped
		ttl: ttl,
		now: now,
		parser: jwt.NewParser(
			// Only the algorithm we sign with: this refuses "none", the
			// RS256/HS256 confusion, and HS384/HS512 made with our own key.
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithTimeFunc(now),
			jwt.WithIssuer(Issuer),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(), // refuses a token issued in the future
			jwt.WithStrictDecoding(),
		),
	}, nil
}

// Issue signs a token for userID with roles, valid from now for the Tokens'
// ttl, and returns it with the claims it carries.
func (t *Tokens) Issue(userID uuid.UUID, roles []string) (string, Claims, error) {
	if userID == uuid.Nil {
		return "", Claims{}, errors.New("issue token: nil user id")
	}
	jti, err := uuid.NewRandom()
	if err != nil {
		return "", Claims{}, fmt.Errorf("issue token: id: %w", err)
	}
	// JWT times are whole seconds: truncate first so the returned claims equal
	// what Verify will read back.
	iat := t.now().UTC().Truncate(time.Second)
	exp := iat.Add(t.ttl).Truncate(time.Second)
	roles = slices.Clone(roles)
	if roles == nil {
		roles = []string{} // "roles": [] rather than null
	}
	claims := wireClaims{
		Roles: roles,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   userID.String(),
			ID:        jti.String(),
			IssuedAt:  jwt.NewNumericDate(iat),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.key)
	if err != nil {
		return "", Claims{}, fmt.Errorf("issue token: sign: %w", err)
	}
	return signed, Claims{UserID: userID, Roles: slices.Clone(roles), TokenID: jti.String(), IssuedAt: iat, ExpiresAt: exp}, nil
}

// Verify checks token's signature, algorithm, issuer, issue and expiry times
// against the injected clock, and returns its claims. Every failure wraps
// ErrInvalidToken. A token expires at exp exactly (valid while now < exp).
func (t *Tokens) Verify(token string) (Claims, error) {
	if c, ok := t.known.get(token, t.now()); ok {
		return c, nil
	}
	c, err := t.verify(token)
	if err == nil {
		t.known.add(token, c)
	}
	return c, err
}

func (t *Tokens) verify(token string) (Claims, error) {
	var wc wireClaims
	_, err := t.parser.ParseWithClaims(token, &wc, func(*jwt.Token) (any, error) {
		return t.key, nil // WithValidMethods has already pinned the algorithm
	})
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	// The library checks iat only when present; our tokens always carry it.
	if wc.IssuedAt == nil {
		return Claims{}, fmt.Errorf("%w: no iat claim", ErrInvalidToken)
	}
	if wc.ID == "" {
		return Claims{}, fmt.Errorf("%w: no jti claim", ErrInvalidToken)
	}
	// Canonical form only: uuid.Parse also takes braces, urn:uuid: and no
	// dashes, and one user must not have several valid spellings.
	uid, err := uuid.Parse(wc.Subject)
	if err != nil || uid == uuid.Nil || uid.String() != wc.Subject {
		return Claims{}, fmt.Errorf("%w: sub %q is not a user id", ErrInvalidToken, wc.Subject)
	}
	roles := wc.Roles
	if roles == nil {
		roles = []string{}
	}
	return Claims{
		UserID:    uid,
		Roles:     roles,
		TokenID:   wc.ID,
		IssuedAt:  wc.IssuedAt.UTC(),
		ExpiresAt: wc.ExpiresAt.UTC(),
	}, nil
}
