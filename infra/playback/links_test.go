package playback_test

import (
	"bytes"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/playback"
)

func TestLinks(t *testing.T) {
	links, err := playback.NewLinks(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	g := playback.Grant{UserID: uuid.New(), RentalID: uuid.New(), PremiereID: uuid.New(), Expires: time.Date(2026, 12, 1, 18, 5, 0, 0, time.UTC)}
	path := links.Path(g)
	u, err := url.Parse(path)
	if err != nil || u.Path != "/watch/"+g.RentalID.String() {
		t.Fatalf("link %q: %v", path, err)
	}
	exp, err := playback.Expiry(u.Query().Get("exp"))
	if err != nil || !exp.Equal(g.Expires) {
		t.Fatalf("exp %v, %v; want %v", exp, err, g.Expires)
	}
	sig := u.Query().Get("sig")
	if err := links.Check(g, sig); err != nil {
		t.Fatalf("own link refused: %v", err)
	}

	// Every field of the grant is bound: changing any one fails the signature.
	for name, change := range map[string]func(*playback.Grant){
		"another customer": func(g *playback.Grant) { g.UserID = uuid.New() },
		"another rental":   func(g *playback.Grant) { g.RentalID = uuid.New() },
		"another premiere": func(g *playback.Grant) { g.PremiereID = uuid.New() },
		"a later expiry":   func(g *playback.Grant) { g.Expires = g.Expires.Add(time.Second) },
	} {
		other := g
		change(&other)
		if err := links.Check(other, sig); !errors.Is(err, playback.ErrSignature) {
			t.Errorf("%s: %v, want a bad signature", name, err)
		}
	}
	// Another key (a derived one, say) does not accept it.
	derived, _ := playback.NewLinks(playback.DeriveKey(bytes.Repeat([]byte{7}, 32)))
	if err := derived.Check(g, sig); !errors.Is(err, playback.ErrSignature) {
		t.Errorf("another key accepted the link: %v", err)
	}
	for _, bad := range []string{"", "!!", sig[:10], sig + "AA", strings.Repeat("A", 43)} {
		if err := links.Check(g, bad); err == nil {
			t.Errorf("signature %q accepted", bad)
		}
	}
	for _, bad := range []string{"", "-1", "0", "12a", "99999999999999999999"} {
		if _, err := playback.Expiry(bad); !errors.Is(err, playback.ErrMalformed) {
			t.Errorf("exp %q: %v, want malformed", bad, err)
		}
	}
	if _, err := playback.NewLinks([]byte("short")); err == nil {
		t.Error("a short key was taken")
	}
	if bytes.Equal(playback.DeriveKey([]byte("a")), playback.DeriveKey([]byte("b"))) {
		t.Error("derived keys do not depend on the secret")
	}
}
