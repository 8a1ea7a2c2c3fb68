// Package user decides accounts of people: registration with a normalised email,
// roles, revoked tokens, and where each is told things (notification settings). The email's uniqueness is guarded by its own stream,
// "email-<sha256 of the lower-cased email>", claimed with a "no stream" expectation.
// Stream: "user-<id>".
package user

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
)

// Stream names a user's stream.
func Stream(id uuid.UUID) string { return "user-" + id.String() }

// EmailStream names the uniqueness guard of a normalised email.
func EmailStream(normalised string) string {
	sum := sha256.Sum256([]byte(normalised))
	return "email-" + hex.EncodeToString(sum[:])
}

// Roles.
const (
	RoleCustomer = "customer"
	RoleAdmin    = "admin"
	RoleAuditor  = "auditor"
)

// ValidRole reports whether r is a role the shop knows.
func ValidRole(r string) bool { return r == RoleCustomer || r == RoleAdmin || r == RoleAuditor }

// Limits of a profile.
const (
	MaxEmail = 254
	MaxName  = 100
)

// NormaliseEmail trims and lower-cases an address and checks it is a plain address.
func NormaliseEmail(raw string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(raw))
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Address != e || addr.Name != "" || len(e) > MaxEmail || !strings.Contains(e[strings.LastIndex(e, "@")+1:], ".") {
		return "", domain.Invalid(fmt.Sprintf("%q is not an email address", raw))
	}
	return e, nil
}

// Command is one of the commands below.
type Command interface{ isUserCommand() }

// Register creates a user. The password arrives hashed: hashing is not the domain's job.
type Register struct {
	UserID       uuid.UUID
	Email        string
	FirstName    string
	LastName     string
	PasswordHash string
	Now          time.Time
}

// GrantRole gives the user a role.
type GrantRole struct {
	Role string
	Now  time.Time
}

// RevokeToken makes a signed token unusable before its expiry (logout).
type RevokeToken struct {
	TokenID   string
	ExpiresAt time.Time
	Now       time.Time
}

func (Register) isUserCommand()    {}
func (GrantRole) isUserCommand()   {}
func (RevokeToken) isUserCommand() {}

// Registered: a user exists.
type Registered struct {
	UserID       uuid.UUID
	Email        string
	FirstName    string
	LastName     string
	PasswordHash string
	Roles        []string
	At           time.Time
}

// RoleGranted: the user has a new role.
type RoleGranted struct {
	UserID uuid.UUID
	Role   string
	At     time.Time
}

// TokenRevoked: a token is unusable until it would have expired.
type TokenRevoked struct {
	UserID    uuid.UUID
	TokenID   string
	ExpiresAt time.Time
	At        time.Time
}

func (Registered) EventType() string   { return "user.registered.v1" }
func (RoleGranted) EventType() string  { return "user.role_granted.v1" }
func (TokenRevoked) EventType() string { return "user.token_revoked.v1" }

// Events lists one value of each event type of users and their email guards, for the codec.
func Events() []domain.Event {
	return []domain.Event{Registered{}, RoleGranted{}, TokenRevoked{}, NotificationSettingsChanged{}, EmailClaimed{}}
}

// State is a user folded from its events.
type State struct {
	ID           uuid.UUID
	Email        string
	FirstName    string
	LastName     string
	PasswordHash string
	Roles        []string
	Revoked      map[string]time.Time // token id → its expiry
	// Where the user is told things. Channels is nil until the user chooses: then
	// NotificationChannels gives the default.
	Channels       []string
	Phone          string // E.164, for sms
	TelegramChatID string // for telegram
}

// Notification channels a user may choose. The inbox is always on.
const (
	ChannelInbox    = "inbox"
	ChannelEmail    = "email"
	ChannelSMS      = "sms"
	ChannelTelegram = "telegram"
)

// DefaultChannels are a user's channels until they choose.
func DefaultChannels() []string { return []string{ChannelInbox, ChannelEmail} }

// NotificationChannels are the channels the user is told things on now.
func (s State) NotificationChannels() []string {
	if s.Channels == nil {
		return DefaultChannels()
	}
	return append([]string(nil), s.Channels...)
}

// Initial is a user not yet registered.
func Initial() State { return State{Revoked: map[string]time.Time{}} }

// Exists reports whether the user registered.
func (s State) Exists() bool { return s.ID != uuid.Nil }

// HasRole reports whether the user has a role.
func (s State) HasRole(r string) bool {
	for _, have := range s.Roles {
		if have == r {
			return true
		}
	}
	return false
}

// Decider is the user aggregate.
var Decider = domain.Decider[State, Command]{Initial: Initial, Decide: Decide, Evolve: Evolve, Version: 1}

// Errors a user decides, beyond bad input.
var (
	ErrNotFound          = domain.NotFound("user not found")
	ErrAlreadyRegistered = domain.Conflict("this user is already registered")
)

// Decide applies the user rules to a command.
func Decide(c Command, s State) ([]domain.Event, error) {
	switch c := c.(type) {
	case Register:
		if s.Exists() {
			return nil, ErrAlreadyRegistered
		}
		email, err := NormaliseEmail(c.Email)
		if err != nil {
			return nil, err
		}
		first, err := checkName("first_name", c.FirstName)
		if err != nil {
			return nil, err
		}
		last, err := checkName("last_name", c.LastName)
		if err != nil {
			return nil, err
		}
		if c.PasswordHash == "" {
			return nil, domain.Invalid("a password is required")
		}
		return []domain.Event{Registered{UserID: c.UserID, Email: email, FirstName: first, LastName: last,
			PasswordHash: c.PasswordHash, Roles: []string{RoleCustomer}, At: c.Now}}, nil
	case GrantRole:
		if !s.Exists() {
			return nil, ErrNotFound
		}
		if !ValidRole(c.Role) {
			return nil, domain.Invalid(fmt.Sprintf("unknown role %q (customer, admin or auditor)", c.Role))
		}
		if s.HasRole(c.Role) {
			return nil, nil
		}
		return []domain.Event{RoleGranted{UserID: s.ID, Role: c.Role, At: c.Now}}, nil
	case RevokeToken:
		if !s.Exists() {
			return nil, ErrNotFound
		}
		if _, done := s.Revoked[c.TokenID]; done || !c.ExpiresAt.After(c.Now) {
			return nil, nil // already revoked, or expired anyway
		}
		return []domain.Event{TokenRevoked{UserID: s.ID, TokenID: c.TokenID, ExpiresAt: c.ExpiresAt, At: c.Now}}, nil
	case ChangeNotificationSettings:
		return decideNotificationSettings(c, s)
	default:
		return nil, fmt.Errorf("user: unknown command %T", c)
	}
}

// checkName trims a name and refuses an empty or long one, or one holding characters
// that are not text (control characters, bidi overrides): such a name would break
// the email headers it is sent in, for good.
func checkName(field, v string) (string, error) {
	if err := domain.CheckLine(field, v); err != nil {
		return "", err
	}
	v = strings.TrimSpace(v)
	if v == "" || len([]rune(v)) > MaxName {
		return "", domain.Invalid(fmt.Sprintf("%s must have 1 to %d characters", field, MaxName))
	}
	if err := domain.CheckVisible(field, v); err != nil {
		return "", err
	}
	return v, nil
}

// Evolve records a fact in the state; it checks nothing. It returns a new state and
// never changes the one it is given.
func Evolve(s State, e domain.Event) State {
	switch e := e.(type) {
	case Registered:
		s.ID, s.Email, s.FirstName, s.LastName, s.PasswordHash = e.UserID, e.Email, e.FirstName, e.LastName, e.PasswordHash
		s.Roles = append([]string(nil), e.Roles...)
	case RoleGranted:
		s.Roles = append(s.Roles[:len(s.Roles):len(s.Roles)], e.Role) // a new array: states are shared
	case TokenRevoked:
		revoked := maps.Clone(s.Revoked) // copied on write: states are shared
		if revoked == nil {
			revoked = map[string]time.Time{}
		}
		revoked[e.TokenID] = e.ExpiresAt
		s.Revoked = revoked
	case NotificationSettingsChanged:
		s.Channels = append(make([]string, 0, len(e.Channels)), e.Channels...)
		s.Phone, s.TelegramChatID = e.Phone, e.TelegramChatID
	}
	return s
}
