package readsqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/users"
)

// Users and revoked tokens.

var _ = register(model{
	name: users.Name,
	schema: []string{
		`CREATE TABLE users (
			id         TEXT PRIMARY KEY,
			email      TEXT NOT NULL,
			first_name TEXT NOT NULL,
			last_name  TEXT NOT NULL,
			roles      TEXT NOT NULL, -- JSON array
			created_at INTEGER,
			channels   TEXT NOT NULL, -- JSON array: where the user is told things
			phone      TEXT NOT NULL,
			telegram_chat_id TEXT NOT NULL
		) WITHOUT ROWID`,
		`CREATE TABLE revoked_tokens (
			token_id   TEXT PRIMARY KEY,
			user_id    TEXT NOT NULL,
			expires_at INTEGER
		) WITHOUT ROWID`,
	},
	statements: []string{upsertUser, selectUser, upsertRevokedToken},
	writes:     func(t *tx) projections.Writes { return userWrites{t} },
})

// userWrites is users.Writes on a transaction of the users file.
type userWrites struct{ t *tx }

var (
	_ users.Writes = userWrites{}
	_ users.Reads  = (*Store)(nil)
)

const upsertUser = `INSERT INTO users (id, email, first_name, last_name, roles, created_at, channels, phone, telegram_chat_id)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET email = excluded.email, first_name = excluded.first_name,
		last_name = excluded.last_name, roles = excluded.roles, created_at = excluded.created_at,
		channels = excluded.channels, phone = excluded.phone, telegram_chat_id = excluded.telegram_chat_id`

const selectUser = `SELECT id, email, first_name, last_name, roles, created_at, channels, phone, telegram_chat_id FROM users WHERE id = ?`

// A revoked token is kept as recorded; whether it has expired is the token's own check.
const upsertRevokedToken = `INSERT INTO revoked_tokens (token_id, user_id, expires_at) VALUES (?, ?, ?)
	ON CONFLICT (token_id) DO UPDATE SET user_id = excluded.user_id, expires_at = excluded.expires_at`

func (w userWrites) PutUser(ctx context.Context, u users.User) error {
	roles, err := jsonArg(nonNil(u.Roles))
	if err != nil {
		return fmt.Errorf("put user %s: %w", u.ID, err)
	}
	channels, err := jsonArg(nonNil(u.Channels))
	if err != nil {
		return fmt.Errorf("put user %s: %w", u.ID, err)
	}
	created, err := timeArg(u.CreatedAt)
	if err != nil {
		return fmt.Errorf("put user %s: %w", u.ID, err)
	}
	if err := w.t.exec(ctx, upsertUser, uuidArg(u.ID), u.Email, u.FirstName, u.LastName, roles, created, channels, u.Phone, u.TelegramChatID); err != nil {
		return fmt.Errorf("put user %s: %w", u.ID, err)
	}
	return nil
}

func (w userWrites) User(ctx context.Context, id uuid.UUID) (users.User, bool, error) {
	row, err := w.t.queryRow(ctx, selectUser, uuidArg(id))
	if err != nil {
		return users.User{}, false, fmt.Errorf("user %s: %w", id, err)
	}
	return oneUser(row, id)
}

func (w userWrites) RevokeToken(ctx context.Context, r users.RevokedToken) error {
	expires, err := timeArg(r.ExpiresAt)
	if err != nil {
		return fmt.Errorf("revoke token %s: %w", r.TokenID, err)
	}
	if err := w.t.exec(ctx, upsertRevokedToken, r.TokenID, uuidArg(r.UserID), expires); err != nil {
		return fmt.Errorf("revoke token %s: %w", r.TokenID, err)
	}
	return nil
}

func (s *Store) User(ctx context.Context, id uuid.UUID) (users.User, bool, error) {
	g, release, err := s.serving(users.Name)
	if err != nil {
		return users.User{}, false, err
	}
	defer release()
	return oneUser(g.read.QueryRowContext(ctx, selectUser, uuidArg(id)), id)
}

// TokenRevoked reports whether the token was revoked (expired or not).
func (s *Store) TokenRevoked(ctx context.Context, tokenID string) (bool, error) {
	g, release, err := s.serving(users.Name)
	if err != nil {
		return false, err
	}
	defer release()
	var one int
	err = g.read.QueryRowContext(ctx, `SELECT 1 FROM revoked_tokens WHERE token_id = ?`, tokenID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("token %s revoked: %w", tokenID, err)
	}
	return true, nil
}

func oneUser(row *sql.Row, id uuid.UUID) (users.User, bool, error) {
	var (
		u        users.User
		roles    string
		channels string
		created  sql.NullInt64
	)
	err := row.Scan(scanUUID(&u.ID, "id"), &u.Email, &u.FirstName, &u.LastName, &roles, &created, &channels, &u.Phone, &u.TelegramChatID)
	if errors.Is(err, sql.ErrNoRows) {
		return users.User{}, false, nil
	}
	if err != nil {
		return users.User{}, false, fmt.Errorf("user %s: %w", id, err)
	}
	if err := json.Unmarshal([]byte(roles), &u.Roles); err != nil {
		return users.User{}, false, fmt.Errorf("user %s: roles: %w", id, err)
	}
	if len(u.Roles) == 0 {
		u.Roles = nil
	}
	if err := json.Unmarshal([]byte(channels), &u.Channels); err != nil {
		return users.User{}, false, fmt.Errorf("user %s: channels: %w", id, err)
	}
	if len(u.Channels) == 0 {
		u.Channels = nil
	}
	u.CreatedAt = timeCol(created)
	return u, true, nil
}
