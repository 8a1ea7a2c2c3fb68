package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/readmodel/all"
)

// help is what `chance <args> --help` prints.
func help(t *testing.T, args ...string) string {
	t.Helper()
	root := rootCommand()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(append(args, "--help"))
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// The help texts say what the commands do: serve names its defaults as the
// configuration has them, replay lists every projection it can rebuild, and
// grant-role says when a role takes effect.
func TestHelpTexts(t *testing.T) {
	d := config.Defaults()
	serve := help(t, "serve")
	for _, want := range []string{"CHANCE_DATA_DIR (" + d.DataDir + ")", "CHANCE_ADDR (" + d.Addr + ")", "--roles", "503"} {
		if !strings.Contains(serve, want) {
			t.Errorf("serve --help lacks %q:\n%s", want, serve)
		}
	}
	replay := help(t, "replay")
	for _, p := range all.Projectors() {
		if !strings.Contains(replay, p.Name()) {
			t.Errorf("replay --help does not list %s:\n%s", p.Name(), replay)
		}
	}
	if grant := help(t, "users", "grant-role"); !strings.Contains(grant, "takes effect at the user's next sign-in") {
		t.Errorf("grant-role --help does not say when the role takes effect:\n%s", grant)
	}
}
