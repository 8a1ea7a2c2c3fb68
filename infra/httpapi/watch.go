package httpapi

import (
	"crypto/rand"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/playback"
	"github.com/chance-video/chance/readmodel/rentals"
)

// DefaultPlaybackTTL is how long a watch link lasts unless Deps.PlaybackTTL says.
const DefaultPlaybackTTL = 5 * time.Minute

// WatchPath is where watch links point, outside the API prefix: a browser opens them
// without a token (the link's signature is the capability).
const WatchPath = "/watch"

// playbackLinks are the API's watch links: Deps.Playback, or a key of this process
// alone when none is given (links then last until a restart, on this instance only).
func playbackLinks(d Deps) (*playback.Links, error) {
	if d.Playback != nil {
		return d.Playback, nil
	}
	key := make([]byte, playback.MinKeyLength)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return playback.NewLinks(key)
}

type watchReply struct {
	URL        string    `json:"url"`
	ExpiresAt  time.Time `json:"expires_at"`
	PremiereID uuid.UUID `json:"premiere_id"`
	RentalID   uuid.UUID `json:"rental_id"`
}

// watch: POST /rentals/:id/watch — a short-lived signed link to the player of one of
// the caller's rentals, only during its term. It lasts the playback TTL, never beyond
// the term's end.
func (a *api) watch(c *gin.Context) {
	id, err := pathIDWithoutBody(c, "id")
	if err != nil {
		a.fail(c, err)
		return
	}
	r, err := a.q.Watch(c.Request.Context(), callerID(c), id)
	if err != nil {
		a.fail(c, err)
		return
	}
	now := a.clock.Now()
	// Whole seconds, rounded down: the link never outlasts the term.
	expires := time.Unix(min(now.Add(a.playbackTTL).Unix(), r.EndsAt().Unix()), 0).UTC()
	if !expires.After(now) { // under a second of the term left
		a.fail(c, rentals.Watchable(r, r.EndsAt()))
		return
	}
	grant := playback.Grant{UserID: r.UserID, RentalID: r.ID, PremiereID: r.PremiereID, Expires: expires}
	c.Header("Cache-Control", "no-store")
	reply(c, http.StatusOK, watchReply{URL: a.playback.Path(grant), ExpiresAt: expires, PremiereID: r.PremiereID, RentalID: r.ID})
}

// watchPage: GET /watch/:rental_id?exp=&sig= — the player, if the link is genuine,
// unexpired and the rental still in its term; otherwise a 403 page saying which.
func (a *api) watchPage(c *gin.Context) {
	ctx := c.Request.Context()
	id, idErr := uuid.Parse(c.Param("rental_id"))
	expires, expErr := playback.Expiry(c.Query("exp"))
	if idErr != nil || expErr != nil {
		a.refuseWatch(c, watchBadLink)
		return
	}
	r, found, err := a.q.Rental(ctx, id)
	if err != nil {
		a.fail(c, err)
		return
	}
	if !found { // said as a bad link: a link names no rental that does not exist
		a.refuseWatch(c, watchBadLink)
		return
	}
	grant := playback.Grant{UserID: r.UserID, RentalID: r.ID, PremiereID: r.PremiereID, Expires: expires}
	if err := a.playback.Check(grant, c.Query("sig")); err != nil {
		a.refuseWatch(c, watchBadLink)
		return
	}
	now := a.clock.Now()
	if !now.Before(expires) {
		a.refuseWatch(c, watchRefusal{reason: watchExpired})
		return
	}
	var outside *rentals.NotInTerm
	if err := rentals.Watchable(r, now); errors.As(err, &outside) {
		a.refuseWatch(c, watchRefusal{reason: outside.Reason, startsAt: outside.StartsAt, endsAt: outside.EndsAt})
		return
	}
	page := playerPage{Title: r.Title, EndsAt: moscow(r.EndsAt()), Remaining: remaining(r.EndsAt().Sub(now)),
		LinkExpires: moscow(expires)}
	// The card adds what a viewer needs; a premiere the catalogue cannot show (not
	// projected yet) still plays, under the title the rental locked.
	if card, err := a.q.Premiere(ctx, r.PremiereID); err == nil {
		page.Theatre, page.PosterURL = card.Theatre, card.PosterURL
		if card.DurationMinutes > 0 {
			page.Duration = remaining(time.Duration(card.DurationMinutes) * time.Minute)
		}
	}
	writePage(c, http.StatusOK, playerTemplate, page)
}

// refuseWatch answers a link that does not open the player with a 403 page.
func (a *api) refuseWatch(c *gin.Context, why watchRefusal) {
	writePage(c, http.StatusForbidden, refusedTemplate, why.page())
}
