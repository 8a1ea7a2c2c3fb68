package deploy_test

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/goccy/go-yaml"
)

// composeFile is what the fleet tests read of a compose file.
type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
	} `yaml:"services"`
}

// eventStoreVariables are where the fleets differ on purpose: where the log is.
var eventStoreVariables = []string{"CHANCE_EVENTSTORE", "CHANCE_ESDB_URL", "CHANCE_EVENTSTORE_POSTGRES_URL"}

// Every compose fleet passes each shop process (a `chance serve`) the same environment
// but for the event store's variables: a setting added to one file only (as the payment
// provider's once was) would make the other fleet a different shop. Within a file,
// every shop process gets the whole shop's environment too.
func TestFleetsShareTheShopsEnvironment(t *testing.T) {
	files, err := filepath.Glob("compose*.yaml")
	if err != nil || len(files) < 2 {
		t.Fatalf("compose files: %v %v", files, err)
	}
	shops := map[string]map[string]map[string]string{} // file → service → environment
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c composeFile
		// A key beside a merge (<<: *chance) overrides the merged one in compose; the
		// parser calls that a duplicate unless told.
		if err := yaml.UnmarshalWithOptions(raw, &c, yaml.AllowDuplicateMapKey()); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		shops[f] = map[string]map[string]string{}
		for name, s := range c.Services {
			if len(s.Command) == 0 || s.Command[0] != "serve" {
				continue
			}
			env := maps.Clone(s.Environment)
			for _, v := range eventStoreVariables {
				delete(env, v)
			}
			if env["CHANCE_PAYMENTS"] == "" {
				t.Errorf("%s: %s has no CHANCE_PAYMENTS", f, name)
			}
			shops[f][name] = env
		}
		if len(shops[f]) == 0 {
			t.Fatalf("%s: no shop process (a service whose command is serve)", f)
		}
	}
	first := files[0]
	for _, f := range files {
		for _, name := range slices.Sorted(maps.Keys(shops[f])) {
			got := shops[f][name]
			wantName := slices.Sorted(maps.Keys(shops[first]))[0]
			want := shops[first][wantName]
			if other, ok := shops[first][name]; ok {
				want, wantName = other, name
			}
			for _, k := range slices.Sorted(maps.Keys(want)) {
				if v, ok := got[k]; !ok || v != want[k] {
					t.Errorf("%s: %s: %s=%q, but %s gives %s %q", f, name, k, v, first, wantName, want[k])
				}
			}
			for _, k := range slices.Sorted(maps.Keys(got)) {
				if _, ok := want[k]; !ok {
					t.Errorf("%s: %s sets %s, which %s does not give %s", f, name, k, first, wantName)
				}
			}
		}
		for name := range shops[first] {
			if _, ok := shops[f][name]; !ok {
				t.Errorf("%s has no shop process %s (%s has)", f, name, first)
			}
		}
	}
	for f, services := range shops { // within a file: one shop
		var ref map[string]string
		var refName string
		for _, name := range slices.Sorted(maps.Keys(services)) {
			if ref == nil {
				ref, refName = services[name], name
				continue
			}
			if !maps.Equal(services[name], ref) {
				t.Errorf("%s: %s's environment differs from %s's", f, name, refName)
			}
		}
	}
}
