package config

import (
	"strings"
	"testing"
)

func TestRoles(t *testing.T) {
	fleet := map[string]string{"CHANCE_EVENTSTORE": "postgres", "CHANCE_READSTORE": "postgres",
		"CHANCE_POSTGRES_URL": "postgres://db/shop", "CHANCE_BUS": "kafka", "CHANCE_KAFKA_BROKERS": "k:9092",
		"CHANCE_JWT_SECRET": strings.Repeat("s", 32)}
	env := func(base map[string]string, kv ...string) func(string) (string, bool) {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	cases := []struct {
		name    string
		lookup  func(string) (string, bool)
		wantErr string // empty: valid
	}{
		{"the embedded default plays every role", env(nil), ""},
		{"all on the embedded stores", env(nil, "CHANCE_ROLES", "all"), ""},
		{"a subset on shared stores and kafka", env(fleet, "CHANCE_ROLES", "api"), ""},
		{"an unknown role names the valid ones", env(fleet, "CHANCE_ROLES", "api,cron"), `unknown role "cron"; the roles are api, projector, forwarder, notifier, senders, scheduler, recovery`},
		{"a subset on the sqlite log", env(fleet, "CHANCE_ROLES", "scheduler", "CHANCE_EVENTSTORE", ""), "set CHANCE_EVENTSTORE=postgres"},
		{"a subset on sqlite read models", env(fleet, "CHANCE_ROLES", "scheduler", "CHANCE_READSTORE", ""), "set CHANCE_READSTORE=postgres"},
		{"messaging split on the in-process bus", env(fleet, "CHANCE_ROLES", "api,forwarder", "CHANCE_BUS", ""), "set CHANCE_BUS=kafka"},
		{"no messaging role on the in-process bus", env(fleet, "CHANCE_ROLES", "projector,scheduler,recovery", "CHANCE_BUS", ""), ""},
		{"api without a shared signing key", env(fleet, "CHANCE_ROLES", "api", "CHANCE_JWT_SECRET", ""), "set CHANCE_JWT_SECRET"},
		{"the test clock offset, not allowed", env(nil, "CHANCE_TEST_ONLY_CLOCK_OFFSET", "50m"), "refused unless CHANCE_TEST_ONLY_ALLOW_CLOCK_OFFSET=yes"},
		{"the test clock offset, allowed", env(nil, "CHANCE_TEST_ONLY_CLOCK_OFFSET", "50m", "CHANCE_TEST_ONLY_ALLOW_CLOCK_OFFSET", "yes"), ""},
		{"a readiness bound too small", env(nil, "CHANCE_READY_MAX_LAG", "10ms"), "CHANCE_READY_MAX_LAG"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromEnv(tc.lookup)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want one saying %q", err, tc.wantErr)
			}
		})
	}
	c, err := FromEnv(env(fleet, "CHANCE_ROLES", " API , scheduler,api"))
	if err != nil || !c.Has(RoleAPI) || !c.Has(RoleScheduler) || c.Has(RoleProjector) || c.AllRolesHere() || len(c.Roles) != 2 {
		t.Fatalf("roles %v, %v", c.Roles, err)
	}
	if c, _ := FromEnv(env(nil)); !c.AllRolesHere() {
		t.Fatal("the default must play every role")
	}
}
