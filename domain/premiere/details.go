package premiere

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
)

// Details are what a viewer needs beside the card: how long the recording runs, which
// theatre staged it, and its poster. They are recorded by their own event
// (DetailsChanged), so the events of premieres published before they existed stay as
// they were and such premieres simply have none.
type Details struct {
	DurationMinutes int    // 0: not stated
	Theatre         string // "": not stated
	PosterURL       string // an https URL or a path on this site ("/posters/1.svg"); "": none
}

// Limits of the details.
const (
	MaxDurationMinutes = 24 * 60
	MaxTheatre         = 200
	MaxPosterURL       = 2048
)

// ChangeDetails replaces the details.
type ChangeDetails struct {
	Details Details
	Now     time.Time
}

func (ChangeDetails) isPremiereCommand() {}

// DetailsChanged: new details (all three at once).
type DetailsChanged struct {
	ID      uuid.UUID
	Details Details
	At      time.Time
}

func (DetailsChanged) EventType() string { return "premiere.details_changed.v1" }

// decideDetails records details that differ from the state's.
func decideDetails(c ChangeDetails, s State) ([]domain.Event, error) {
	d, err := checkDetails(c.Details)
	if err != nil {
		return nil, err
	}
	if d == s.Details {
		return nil, nil // already these details
	}
	return []domain.Event{DetailsChanged{ID: s.ID, Details: d, At: c.Now}}, nil
}

// checkDetails trims the theatre and refuses what the details cannot hold. A poster
// is shown in <img src>, so only a web address this shop trusts its browser to fetch
// is taken: https://host/… or a path on this site; never javascript:, data: or a
// protocol-relative //host.
func checkDetails(d Details) (Details, error) {
	if d.DurationMinutes < 0 || d.DurationMinutes > MaxDurationMinutes {
		return Details{}, domain.Invalid(fmt.Sprintf("duration_minutes must be from 1 to %d (or 0 when not stated), got %d", MaxDurationMinutes, d.DurationMinutes))
	}
	if err := domain.CheckLine("theatre", d.Theatre); err != nil {
		return Details{}, err
	}
	d.Theatre = strings.TrimSpace(d.Theatre)
	if d.Theatre != "" { // optional, but a blank-looking theatre is no theatre
		if err := domain.CheckVisible("theatre", d.Theatre); err != nil {
			return Details{}, err
		}
	}
	if utf8.RuneCountInString(d.Theatre) > MaxTheatre {
		return Details{}, domain.Invalid(fmt.Sprintf("theatre must have at most %d characters", MaxTheatre))
	}
	d.PosterURL = strings.TrimSpace(d.PosterURL)
	if err := checkPosterURL(d.PosterURL); err != nil {
		return Details{}, err
	}
	return d, nil
}

func checkPosterURL(v string) error {
	if v == "" {
		return nil
	}
	refuse := func(why string) error {
		return domain.Invalid("poster_url must be an https:// URL or a path starting with /: " + why)
	}
	if len(v) > MaxPosterURL {
		return refuse(fmt.Sprintf("at most %d characters", MaxPosterURL))
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '\\' || domain.NotText(r) }) {
		return refuse("no spaces, backslashes or control characters")
	}
	u, err := url.Parse(v)
	if err != nil {
		return refuse("it does not parse")
	}
	switch {
	case strings.HasPrefix(v, "//"):
		return refuse("a protocol-relative //host is not taken")
	case strings.HasPrefix(v, "/"):
		if u.Scheme != "" || u.Host != "" {
			return refuse("a path must not name a host")
		}
		return nil
	case u.Scheme == "https" && u.Host != "" && u.User == nil:
		return nil
	default:
		return refuse(fmt.Sprintf("got scheme %q", u.Scheme))
	}
}
