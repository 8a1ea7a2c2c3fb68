package config

import (
	"errors"
	"fmt"
	"time"
)

// Playback is how watch links are signed and how long they last.
type Playback struct {
	// PlaybackSecret (CHANCE_PLAYBACK_SECRET) signs watch links; empty: a key derived
	// from the token signing key under a label of its own. Set it (the same on every
	// API instance) to rotate the links' key apart from the tokens'.
	PlaybackSecret string
	// PlaybackTTL (CHANCE_PLAYBACK_TTL) is how long a watch link lasts; never beyond
	// the rental's term.
	PlaybackTTL time.Duration
}

// DefaultPlaybackTTL is a watch link's life unless CHANCE_PLAYBACK_TTL says otherwise.
const DefaultPlaybackTTL = 5 * time.Minute

func defaultPlayback() Playback { return Playback{PlaybackTTL: DefaultPlaybackTTL} }

func (p *Playback) read(lookup func(string) (string, bool), errs *[]error) {
	if v, ok := lookup("CHANCE_PLAYBACK_SECRET"); ok {
		p.PlaybackSecret = v
	}
	parse(lookup, errs, "CHANCE_PLAYBACK_TTL", &p.PlaybackTTL, time.ParseDuration, "a duration such as 5m")
}

func (p Playback) validate() []error {
	var errs []error
	if p.PlaybackSecret != "" && len(p.PlaybackSecret) < 32 {
		errs = append(errs, errors.New("CHANCE_PLAYBACK_SECRET must be at least 32 bytes (for example: openssl rand -hex 32)"))
	}
	if p.PlaybackTTL < 10*time.Second || p.PlaybackTTL > 24*time.Hour {
		errs = append(errs, fmt.Errorf("CHANCE_PLAYBACK_TTL=%s must be between 10s and 24h", p.PlaybackTTL))
	}
	return errs
}
