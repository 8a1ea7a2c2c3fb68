// Package playback signs and checks watch links: short-lived URLs that let whoever
// holds one open the player of one rental, without signing in. The signature is the
// capability, so it binds everything the link grants: the customer, the rental, the
// premiere and the expiry.
package playback

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// MinKeyLength is the shortest signing key taken (256 bits).
const MinKeyLength = 32

// derivationLabel separates the playback key from the token key it may be derived
// from. WARNING: changing it invalidates every link handed out (they live minutes).
const derivationLabel = "chance playback link key v1"

// DeriveKey is a playback signing key derived from another secret (the token signing
// key) under a label of its own, so that a link signature can never pass for a
// token's, nor the other way round.
func DeriveKey(secret []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(derivationLabel))
	return mac.Sum(nil)
}

// Grant is what a link lets its holder do: watch this customer's rental of this
// premiere until Expires (whole seconds).
type Grant struct {
	UserID     uuid.UUID
	RentalID   uuid.UUID
	PremiereID uuid.UUID
	Expires    time.Time
}

// Links signs and checks watch links with HMAC-SHA256.
type Links struct{ key []byte }

// NewLinks signs with key, MinKeyLength bytes or more.
func NewLinks(key []byte) (*Links, error) {
	if len(key) < MinKeyLength {
		return nil, fmt.Errorf("playback signing key is %d bytes, want at least %d", len(key), MinKeyLength)
	}
	return &Links{key: append([]byte(nil), key...)}, nil
}

// Path is the link for g: /watch/<rental id>?exp=<unix seconds>&sig=<base64url>.
func (l *Links) Path(g Grant) string {
	q := url.Values{"exp": {strconv.FormatInt(g.Expires.Unix(), 10)}, "sig": {l.sign(g)}}
	return "/watch/" + g.RentalID.String() + "?" + q.Encode()
}

// Errors of a link that does not check out.
var (
	ErrMalformed = errors.New("the link is malformed")
	ErrSignature = errors.New("the link's signature is not valid")
)

// Expiry reads a link's exp parameter.
func Expiry(exp string) (time.Time, error) {
	n, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || n <= 0 || len(exp) > 12 {
		return time.Time{}, ErrMalformed
	}
	return time.Unix(n, 0).UTC(), nil
}

// Check reports whether sig signs g, comparing in constant time.
func (l *Links) Check(g Grant, sig string) error {
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || len(got) != sha256.Size {
		return ErrMalformed
	}
	if !hmac.Equal(got, l.mac(g)) {
		return ErrSignature
	}
	return nil
}

func (l *Links) sign(g Grant) string { return base64.RawURLEncoding.EncodeToString(l.mac(g)) }

// mac covers every field of the grant, each fixed-length or delimited, under a
// versioned purpose, so no two grants sign the same bytes.
func (l *Links) mac(g Grant) []byte {
	m := hmac.New(sha256.New, l.key)
	fmt.Fprintf(m, "watch/v1\n%s\n%s\n%s\n%d", g.UserID, g.RentalID, g.PremiereID, g.Expires.Unix())
	return m.Sum(nil)
}
