package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chance-video/chance/infra/clock"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

var (
	testKey   = []byte("0123456789abcdef0123456789abcdef")
	otherKey  = []byte("fedcba9876543210fedcba9876543210")
	testStart = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	testTTL   = time.Hour
)

func newTestTokens(t *testing.T) (*Tokens, *clock.Manual) {
	t.Helper()
	clk := clock.NewManual(testStart)
	tok, err := NewTokens(testKey, testTTL, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	return tok, clk
}

// sign makes a token with any method, key and claims, to forge what an
// attacker or a buggy client could send.
func sign(t *testing.T, m jwt.SigningMethod, key any, claims jwt.Claims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// goodClaims are the claims Issue would write at testStart.
func goodClaims() *wireClaims {
	return &wireClaims{
		Roles: []string{"customer"},
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   uuid.NewString(),
			ID:        uuid.NewString(),
			IssuedAt:  jwt.NewNumericDate(testStart),
			ExpiresAt: jwt.NewNumericDate(testStart.Add(testTTL)),
		},
	}
}

func requireInvalid(t *testing.T, tok *Tokens, token, why string) error {
	t.Helper()
	c, err := tok.Verify(token)
	if !errors.Is(err, ErrInvalidToken) {
		t.Errorf("%s: Verify = %+v, %v; want ErrInvalidToken", why, c, err)
	}
	t.Logf("%s: %v", why, err) // the reason, to check it is the intended one
	return err
}

func TestIssueVerifyRoundTrip(t *testing.T) {
	tok, clk := newTestTokens(t)
	clk.Advance(1500 * time.Millisecond) // JWT times are whole seconds
	user := uuid.New()
	token, issued, err := tok.Issue(user, []string{"customer", "auditor"})
	if err != nil {
		t.Fatal(err)
	}
	want := Claims{
		UserID:    user,
		Roles:     []string{"customer", "auditor"},
		TokenID:   issued.TokenID,
		IssuedAt:  testStart.Add(time.Second),
		ExpiresAt: testStart.Add(time.Second + testTTL),
	}
	if !reflect.DeepEqual(issued, want) {
		t.Fatalf("Issue claims = %+v, want %+v", issued, want)
	}
	if _, err := uuid.Parse(issued.TokenID); err != nil {
		t.Fatalf("jti %q is not a uuid: %v", issued.TokenID, err)
	}
	got, err := tok.Verify(token)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Verify = %+v, want %+v", got, want)
	}
	if !got.HasRole("auditor") || got.HasRole("admin") {
		t.Fatalf("HasRole wrong for roles %v", got.Roles)
	}

	// The payload is what DESIGN.md and other services read.
	payload := decodeSegment(t, token, 1)
	for _, k := range []string{"sub", "roles", "jti", "iat", "exp", "iss"} {
		if _, ok := payload[k]; !ok {
			t.Errorf("payload %v lacks %q", payload, k)
		}
	}
	if payload["iss"] != "chance-video" || payload["sub"] != user.String() {
		t.Errorf("payload iss/sub = %v/%v", payload["iss"], payload["sub"])
	}
	if h := decodeSegment(t, token, 0); h["alg"] != "HS256" {
		t.Errorf("header alg = %v, want HS256", h["alg"])
	}
}

func TestIssueNilRolesAndFreshIDs(t *testing.T) {
	tok, _ := newTestTokens(t)
	user := uuid.New()
	a, ca, err := tok.Issue(user, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, cb, _ := tok.Issue(user, nil)
	if ca.TokenID == cb.TokenID {
		t.Fatal("two tokens share a jti")
	}
	if roles, ok := decodeSegment(t, a, 1)["roles"].([]any); !ok || len(roles) != 0 {
		t.Fatalf(`nil roles encoded as %v, want []`, decodeSegment(t, a, 1)["roles"])
	}
	got, err := tok.Verify(a)
	if err != nil || got.Roles == nil || len(got.Roles) != 0 || got.HasRole("") {
		t.Fatalf("Verify = %+v, %v; want empty non-nil roles", got, err)
	}
	if _, _, err := tok.Issue(uuid.Nil, nil); err == nil {
		t.Fatal("Issue accepted the nil user id")
	}
}

func TestExpiry(t *testing.T) {
	tok, clk := newTestTokens(t)
	token, _, err := tok.Issue(uuid.New(), nil)
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(testTTL - time.Second)
	if _, err := tok.Verify(token); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	clk.Advance(time.Second)
	err = requireInvalid(t, tok, token, "at expiry")
	if !errors.Is(err, jwt.ErrTokenExpired) {
		t.Fatalf("at expiry: %v does not say expired", err)
	}
}

func TestIssuedInTheFuture(t *testing.T) {
	tok, clk := newTestTokens(t)
	token, _, _ := tok.Issue(uuid.New(), nil)
	clk.Set(testStart.Add(-time.Minute))
	requireInvalid(t, tok, token, "iat after now")
}

func TestWrongKey(t *testing.T) {
	tok, _ := newTestTokens(t)
	other, err := NewTokens(otherKey, testTTL, clock.NewManual(testStart).Now)
	if err != nil {
		t.Fatal(err)
	}
	token, _, _ := other.Issue(uuid.New(), []string{"admin"})
	err = requireInvalid(t, tok, token, "other key")
	if !errors.Is(err, jwt.ErrTokenSignatureInvalid) {
		t.Fatalf("other key: %v does not say signature", err)
	}
}

func TestOnlyHS256(t *testing.T) {
	tok, _ := newTestTokens(t)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for name, token := range map[string]string{
		"none":          sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, goodClaims()),
		"HS512 our key": sign(t, jwt.SigningMethodHS512, testKey, goodClaims()),
		"HS384 our key": sign(t, jwt.SigningMethodHS384, testKey, goodClaims()),
		"RS256":         sign(t, jwt.SigningMethodRS256, rsaKey, goodClaims()),
		// The confusion attack: HS256 keyed with a public key, in the hope that
		// the verifier takes an RSA key for an HMAC one. Ours is just wrong.
		"HS256 with public key": sign(t, jwt.SigningMethodHS256, rsaKey.PublicKey.N.Bytes(), goodClaims()),
	} {
		requireInvalid(t, tok, token, name)
	}
	// The same claims, signed as Issue signs, pass: the refusals above are
	// about the algorithm, not the claims.
	if _, err := tok.Verify(sign(t, jwt.SigningMethodHS256, testKey, goodClaims())); err != nil {
		t.Fatalf("control HS256 token refused: %v", err)
	}
}

// "alg":"none" with an empty signature, handwritten so that no library helps.
func TestAlgNoneHandwritten(t *testing.T) {
	tok, _ := newTestTokens(t)
	good, _, _ := tok.Issue(uuid.New(), nil)
	payload := strings.Split(good, ".")[1]
	for _, alg := range []string{"none", "None", "NONE", "nOnE"} {
		header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"` + alg + `","typ":"JWT"}`))
		requireInvalid(t, tok, header+"."+payload+".", "alg "+alg)
	}
}

func TestTamperedPayload(t *testing.T) {
	tok, _ := newTestTokens(t)
	token, _, _ := tok.Issue(uuid.New(), []string{"customer"})
	parts := strings.Split(token, ".")
	payload := decodeSegment(t, token, 1)
	payload["roles"] = []string{"admin"}
	raw, _ := json.Marshal(payload)
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(raw) + "." + parts[2]
	requireInvalid(t, tok, forged, "roles changed")

	payload = decodeSegment(t, token, 1)
	payload["exp"] = payload["exp"].(float64) + 86400*365
	raw, _ = json.Marshal(payload)
	forged = parts[0] + "." + base64.RawURLEncoding.EncodeToString(raw) + "." + parts[2]
	requireInvalid(t, tok, forged, "exp extended")

	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sig[0] ^= 1
	requireInvalid(t, tok, parts[0]+"."+parts[1]+"."+base64.RawURLEncoding.EncodeToString(sig), "signature bit")

	// A 32-byte signature is 43 base64 digits, the last with 2 unused bits.
	// Lax decoding would accept this second spelling of the same signature;
	// one token should have one spelling.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, parts[2][len(parts[2])-1])
	respelt := parts[2][:len(parts[2])-1] + string(alphabet[last^1])
	requireInvalid(t, tok, parts[0]+"."+parts[1]+"."+respelt, "signature respelt")
}

func TestGarbage(t *testing.T) {
	tok, _ := newTestTokens(t)
	good, _, _ := tok.Issue(uuid.New(), nil)
	for _, token := range []string{
		"", "garbage", "a.b.c", "..", "...", "a.b", good + ".", good + "x", " " + good,
		strings.Repeat("A", 10000), "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln",
	} {
		requireInvalid(t, tok, token, "garbage "+shorten(token))
	}
}

// Tokens correctly signed but whose claims Issue would never write.
func TestBadClaims(t *testing.T) {
	tok, _ := newTestTokens(t)
	upper := uuid.New()
	for name, edit := range map[string]func(c *wireClaims){
		"other issuer":   func(c *wireClaims) { c.Issuer = "someone-else" },
		"no issuer":      func(c *wireClaims) { c.Issuer = "" },
		"no exp":         func(c *wireClaims) { c.ExpiresAt = nil },
		"no iat":         func(c *wireClaims) { c.IssuedAt = nil },
		"no jti":         func(c *wireClaims) { c.ID = "" },
		"sub not a uuid": func(c *wireClaims) { c.Subject = "42" },
		"no sub":         func(c *wireClaims) { c.Subject = "" },
		"nil uuid sub":   func(c *wireClaims) { c.Subject = uuid.Nil.String() },
		"uppercase sub":  func(c *wireClaims) { c.Subject = strings.ToUpper(upper.String()) },
		"urn sub":        func(c *wireClaims) { c.Subject = upper.URN() },
		"not yet valid":  func(c *wireClaims) { c.NotBefore = jwt.NewNumericDate(testStart.Add(time.Minute)) },
	} {
		c := goodClaims()
		edit(c)
		requireInvalid(t, tok, sign(t, jwt.SigningMethodHS256, testKey, c), name)
	}
}

func TestNewTokensValidates(t *testing.T) {
	now := clock.NewManual(testStart).Now
	if _, err := NewTokens(testKey[:31], testTTL, now); err == nil {
		t.Error("accepted a 31-byte key")
	}
	if _, err := NewTokens(testKey, 0, now); err == nil {
		t.Error("accepted a zero ttl")
	}
	if _, err := NewTokens(testKey, testTTL, nil); err == nil {
		t.Error("accepted a nil clock")
	}
}

func TestKeyIsCopied(t *testing.T) {
	key := append([]byte(nil), testKey...)
	tok, err := NewTokens(key, testTTL, clock.NewManual(testStart).Now)
	if err != nil {
		t.Fatal(err)
	}
	token, _, _ := tok.Issue(uuid.New(), nil)
	clear(key) // e.g. the caller wipes its copy
	if _, err := tok.Verify(token); err != nil {
		t.Fatalf("wiping the caller's key broke Tokens: %v", err)
	}
}

func TestTokensConcurrent(t *testing.T) {
	tok, clk := newTestTokens(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				token, _, err := tok.Issue(uuid.New(), []string{"customer"})
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := tok.Verify(token); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Go(func() { clk.Advance(time.Second) })
	wg.Wait()
}

func decodeSegment(t *testing.T, token string, i int) map[string]any {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[i])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func shorten(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

// A token verified once (and so remembered) is still refused once outside its times,
// and each answer's roles are the caller's own.
func TestARememberedTokenIsCheckedAgain(t *testing.T) {
	tok, clk := newTestTokens(t)
	token, _, err := tok.Issue(uuid.New(), []string{"customer"})
	if err != nil {
		t.Fatal(err)
	}
	first, err := tok.Verify(token)
	if err != nil {
		t.Fatal(err)
	}
	first.Roles[0] = "admin"
	if again, err := tok.Verify(token); err != nil || !slices.Equal(again.Roles, []string{"customer"}) {
		t.Fatalf("again: %+v, %v; want the roles it was issued with", again, err)
	}
	clk.Set(testStart.Add(-time.Minute))
	requireInvalid(t, tok, token, "remembered, iat after now")
	clk.Set(testStart.Add(testTTL))
	if err := requireInvalid(t, tok, token, "remembered, at expiry"); !errors.Is(err, jwt.ErrTokenExpired) {
		t.Fatalf("at expiry: %v does not say expired", err)
	}
}
