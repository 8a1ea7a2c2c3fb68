package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Roles of a `chance serve` process (CHANCE_ROLES or --roles; default: all of them).
// One process with every role is the embedded default; a fleet splits them across
// processes that share the PostgreSQL stores (and Kafka for the message flow).
const (
	RoleAPI       = "api"       // the HTTP API
	RoleProjector = "projector" // the projection runner (one active process per projection)
	RoleForwarder = "forwarder" // publishes the log on the event topics (one active process)
	RoleNotifier  = "notifier"  // the notification policy, and the billing history's feed on Kafka
	RoleSenders   = "senders"   // the channel senders and the dead-letter recorder
	RoleScheduler = "scheduler" // reminders and expiries (one active process)
	RoleRecovery  = "recovery"  // completes interrupted flows (one active process)
)

// AllRoles lists every role in the order they are documented.
var AllRoles = []string{RoleAPI, RoleProjector, RoleForwarder, RoleNotifier, RoleSenders, RoleScheduler, RoleRecovery}

// DefaultReadyMaxLag is how far behind the log the read models may be while /readyz
// still answers 200.
const DefaultReadyMaxLag = 30 * time.Second

// ParseRoles reads a comma-separated role list ("api,scheduler"); "all" or an empty
// list is every role. An unknown role is an error naming the valid ones.
func ParseRoles(v string) ([]string, error) {
	var roles []string
	for _, r := range strings.Split(v, ",") {
		r = strings.ToLower(strings.TrimSpace(r))
		switch {
		case r == "":
			continue
		case r == "all":
			return slices.Clone(AllRoles), nil
		case !slices.Contains(AllRoles, r):
			return nil, fmt.Errorf("unknown role %q; the roles are %s (or all)", r, strings.Join(AllRoles, ", "))
		case !slices.Contains(roles, r):
			roles = append(roles, r)
		}
	}
	if len(roles) == 0 {
		return slices.Clone(AllRoles), nil
	}
	return roles, nil
}

// Has reports whether this process plays role.
func (c Config) Has(role string) bool { return len(c.Roles) == 0 || slices.Contains(c.Roles, role) }

// AllRolesHere reports whether this process plays every role (the default).
func (c Config) AllRolesHere() bool {
	for _, r := range AllRoles {
		if !c.Has(r) {
			return false
		}
	}
	return true
}

// SharedStores reports whether the stores can be shared by several processes: a
// PostgreSQL read store (the SQLite files belong to the process that owns the data
// folder) and an event store on a server.
func (c Config) SharedStores() bool {
	return c.ReadStore == Postgres && (c.EventStore == Postgres || c.EventStore == ESDB)
}

// messaging are the roles that exchange messages through the bus: the forwarder
// publishes the log, the notifier consumes it and publishes notifications, the senders
// consume those, and the API republishes dead letters an admin requeues.
var messaging = []string{RoleForwarder, RoleNotifier, RoleSenders, RoleAPI}

// validateRoles refuses a role subset on a configuration other processes cannot share.
func (c Config) validateRoles() []error {
	if c.AllRolesHere() {
		return nil
	}
	var errs []error
	subset := strings.Join(c.Roles, ",")
	if c.EventStore == SQLite {
		errs = append(errs, fmt.Errorf("CHANCE_ROLES=%s: the roles of a fleet need an event store several processes share: set CHANCE_EVENTSTORE=postgres (or esdb); the sqlite log belongs to one process", subset))
	}
	if c.ReadStore != Postgres {
		errs = append(errs, fmt.Errorf("CHANCE_ROLES=%s: the roles of a fleet need read models several processes share: set CHANCE_READSTORE=postgres and CHANCE_POSTGRES_URL; the sqlite read models belong to one process", subset))
	}
	if c.Bus == GoChannel {
		// The in-process bus reaches only this process: the roles exchanging messages
		// must then all be here, or none of them.
		var here, away []string
		for _, r := range messaging {
			if c.Has(r) {
				here = append(here, r)
			} else {
				away = append(away, r)
			}
		}
		if len(here) > 0 && len(away) > 0 {
			errs = append(errs, fmt.Errorf("CHANCE_ROLES=%s: %s exchange messages with %s, which run elsewhere; the in-process bus (CHANCE_BUS=gochannel) reaches only this process: set CHANCE_BUS=kafka and CHANCE_KAFKA_BROKERS",
				subset, strings.Join(here, ", "), strings.Join(away, ", ")))
		}
	}
	if c.Has(RoleAPI) && c.JWTSecret == "" {
		errs = append(errs, fmt.Errorf("CHANCE_ROLES=%s: set CHANCE_JWT_SECRET (the same ≥ 32 bytes on every api process): a key generated into this process's data folder would sign tokens no other process accepts", subset))
	}
	return errs
}

// validateReadiness checks the /readyz bound.
func (c Config) validateReadiness() []error {
	if c.ReadyMaxLag < time.Second || c.ReadyMaxLag > 24*time.Hour {
		return []error{fmt.Errorf("CHANCE_READY_MAX_LAG=%s must be between 1s and 24h", c.ReadyMaxLag)}
	}
	return nil
}

// rolesFromEnv parses CHANCE_ROLES.
func rolesFromEnv(lookup func(string) (string, bool), into *[]string) error {
	v, ok := lookup("CHANCE_ROLES")
	if !ok {
		return nil
	}
	roles, err := ParseRoles(v)
	if err != nil {
		return errors.New("CHANCE_ROLES: " + err.Error())
	}
	*into = roles
	return nil
}
