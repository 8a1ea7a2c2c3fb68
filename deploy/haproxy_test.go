// Package deploy_test checks the deployment files the Go code does not read.
package deploy_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The proxy logs no query string: a watch link's ?exp=&sig= is a capability (whoever
// holds it watches), so it must not land in the proxy's log. httplog's request line
// (%r) and the full URI (%HU) carry it; the path alone (%HP) does not.
func TestProxyLogsNoQueryString(t *testing.T) {
	raw, err := os.ReadFile("haproxy.cfg")
	if err != nil {
		t.Fatal(err)
	}
	var formats int
	for n, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") {
			continue
		}
		if regexp.MustCompile(`^option\s+httplog\b`).MatchString(line) {
			t.Errorf("line %d: %q logs the request line with its query string", n+1, line)
		}
		if strings.HasPrefix(line, "log-format") {
			formats++
			if m := regexp.MustCompile(`%(\{[^}]*\})?(r|HU|HQ)\b`).FindString(line); m != "" {
				t.Errorf("line %d: log-format logs %s, which carries the query string", n+1, m)
			}
		}
	}
	if formats == 0 {
		t.Error("no log-format: HAProxy's default would be used")
	}
}
