package config

import (
	"strings"
	"testing"
	"time"
)

func TestPlayback(t *testing.T) {
	env := func(kv ...string) func(string) (string, bool) {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	c, err := FromEnv(env())
	if err != nil || c.PlaybackTTL != 5*time.Minute || c.PlaybackSecret != "" {
		t.Fatalf("defaults: %+v, %v", c.Playback, err)
	}
	secret := strings.Repeat("s", 32)
	c, err = FromEnv(env("CHANCE_PLAYBACK_TTL", "90s", "CHANCE_PLAYBACK_SECRET", secret))
	if err != nil || c.PlaybackTTL != 90*time.Second || c.PlaybackSecret != secret {
		t.Fatalf("set: %+v, %v", c.Playback, err)
	}
	for _, bad := range [][]string{
		{"CHANCE_PLAYBACK_TTL", "soon"}, {"CHANCE_PLAYBACK_TTL", "1s"}, {"CHANCE_PLAYBACK_TTL", "48h"},
		{"CHANCE_PLAYBACK_SECRET", "short"},
	} {
		if _, err := FromEnv(env(bad...)); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%s=%s: %v, want an error naming it", bad[0], bad[1], err)
		}
	}
}
