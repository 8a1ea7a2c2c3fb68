package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/readmodel"
)

// Users and revoked tokens (users_v1).

const upsertUser = `INSERT INTO users (id, email, first_name, last_name, roles, created_at) VALUES (?, ?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET email = excluded.email, first_name = excluded.first_name,
		last_name = excluded.last_name, roles = excluded.roles, created_at = excluded.created_at`

const selectUser = `SELECT id, email, first_name, last_name, roles, created_at FROM users WHERE id = ?`

// A revoked token is kept as recorded; whether it has expired is the token's own check.
const upsertRevokedToken = `INSERT INTO revoked_tokens (token_id, user_id, expires_at) VALUES (?, ?, ?)
	ON CONFLICT (token_id) DO UPDATE SET user_id = excluded.user_id, expires_at = excluded.expires_at`

func (t *tx) PutUser(ctx context.Context, u readmodel.User) error {
	if err := t.allow(Users, "PutUser"); err != nil {
		return err
	}
	roles, err := jsonArg(nonNil(u.Roles))
	if err != nil {
		return fmt.Errorf("put user %s: %w", u.ID, err)
	}
	created, err := timeArg(u.CreatedAt)
	if err != nil {
		return fmt.Errorf("put user %s: %w", u.ID, err)
	}
	if err := t.exec(ctx, upsertUser, uuidArg(u.ID), u.Email, u.FirstName, u.LastName, roles, created); err != nil {
		return fmt.Errorf("put user %s: %w", u.ID, err)
	}
	return nil
}

func (t *tx) User(ctx context.Context, id uuid.UUID) (readmodel.User, bool, error) {
	if err := t.allow(Users, "User"); err != nil {
		return readmodel.User{}, false, err
	}
	row, err := t.queryRow(ctx, selectUser, uuidArg(id))
	if err != nil {
		return readmodel.User{}, false, fmt.Errorf("user %s: %w", id, err)
	}
	return oneUser(row, id)
}

func (t *tx) RevokeToken(ctx context.Context, r readmodel.RevokedToken) error {
	if err := t.allow(Users, "RevokeToken"); err != nil {
		return err
	}
	expires, err := timeArg(r.ExpiresAt)
	if err != nil {
		return fmt.Errorf("revoke token %s: %w", r.TokenID, err)
	}
	if err := t.exec(ctx, upsertRevokedToken, r.TokenID, uuidArg(r.UserID), expires); err != nil {
		return fmt.Errorf("revoke token %s: %w", r.TokenID, err)
	}
	return nil
}

func (s *Store) User(ctx context.Context, id uuid.UUID) (readmodel.User, bool, error) {
	g, release, err := s.serving(Users)
	if err != nil {
		return readmodel.User{}, false, err
	}
	defer release()
	return oneUser(g.read.QueryRowContext(ctx, selectUser, uuidArg(id)), id)
}

// TokenRevoked reports whether the token was revoked (expired or not).
func (s *Store) TokenRevoked(ctx context.Context, tokenID string) (bool, error) {
	g, release, err := s.serving(Users)
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

func oneUser(row *sql.Row, id uuid.UUID) (readmodel.User, bool, error) {
	var (
		u       readmodel.User
		roles   string
		created sql.NullInt64
	)
	err := row.Scan(scanUUID(&u.ID, "id"), &u.Email, &u.FirstName, &u.LastName, &roles, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return readmodel.User{}, false, nil
	}
	if err != nil {
		return readmodel.User{}, false, fmt.Errorf("user %s: %w", id, err)
	}
	if err := json.Unmarshal([]byte(roles), &u.Roles); err != nil {
		return readmodel.User{}, false, fmt.Errorf("user %s: roles: %w", id, err)
	}
	if len(u.Roles) == 0 {
		u.Roles = nil
	}
	u.CreatedAt = timeCol(created)
	return u, true, nil
}
