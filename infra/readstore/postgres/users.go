package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/chance-video/chance/readmodel"
)

// Users and revoked tokens (users_v1).

const upsertUsers = `INSERT INTO {s}.users (id, email, first_name, last_name, roles, created_at)
	SELECT u.id, u.email, u.first_name, u.last_name, u.roles::jsonb, u.created_at
	FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
		AS u(id, email, first_name, last_name, roles, created_at)
	ON CONFLICT (id) DO UPDATE SET email = excluded.email, first_name = excluded.first_name,
		last_name = excluded.last_name, roles = excluded.roles, created_at = excluded.created_at`

const selectUser = `SELECT id, email, first_name, last_name, roles, created_at FROM {s}.users WHERE id = $1`

const upsertRevokedTokens = `INSERT INTO {s}.revoked_tokens (token_id, user_id, expires_at)
	SELECT * FROM unnest($1::text[], $2::uuid[], $3::timestamptz[])
	ON CONFLICT (token_id) DO UPDATE SET user_id = excluded.user_id, expires_at = excluded.expires_at`

func (t *tx) PutUser(ctx context.Context, u readmodel.User) error {
	if err := t.allow(Users, "PutUser"); err != nil {
		return err
	}
	t.users.put(u.ID, u)
	return nil
}

func (t *tx) User(ctx context.Context, id uuid.UUID) (readmodel.User, bool, error) {
	if err := t.allow(Users, "User"); err != nil {
		return readmodel.User{}, false, err
	}
	if u, ok := t.users.get(id); ok {
		return u, true, nil
	}
	return oneUser(t.queryRow(ctx, selectUser, uuidArg(id)), id)
}

func (t *tx) RevokeToken(ctx context.Context, r readmodel.RevokedToken) error {
	if err := t.allow(Users, "RevokeToken"); err != nil {
		return err
	}
	t.revoked.put(r.TokenID, r)
	return nil
}

func (t *tx) flushUsers(b *pgx.Batch) error {
	n := t.users.len()
	if n == 0 {
		return nil
	}
	var (
		ids                          = make([][16]byte, 0, n)
		emails, firsts, lasts, roles = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		created                      = make([]pgtype.Timestamptz, 0, n)
		err                          error
	)
	t.users.each(func(u readmodel.User) {
		r, jerr := json.Marshal(nonNil(u.Roles))
		if jerr != nil && err == nil {
			err = fmt.Errorf("put user %s: roles: %w", u.ID, jerr)
		}
		ids, emails = append(ids, uuidArg(u.ID)), append(emails, u.Email)
		firsts, lasts, roles = append(firsts, u.FirstName), append(lasts, u.LastName), append(roles, string(r))
		created = append(created, timeArg(u.CreatedAt))
	})
	if err != nil {
		return err
	}
	b.Queue(t.gen.sql(upsertUsers), ids, emails, firsts, lasts, roles, created)
	return nil
}

func (t *tx) flushRevoked(b *pgx.Batch) error {
	n := t.revoked.len()
	if n == 0 {
		return nil
	}
	tokens, users, expires := make([]string, 0, n), make([][16]byte, 0, n), make([]pgtype.Timestamptz, 0, n)
	t.revoked.each(func(r readmodel.RevokedToken) {
		tokens, users, expires = append(tokens, r.TokenID), append(users, uuidArg(r.UserID)), append(expires, timeArg(r.ExpiresAt))
	})
	b.Queue(t.gen.sql(upsertRevokedTokens), tokens, users, expires)
	return nil
}

func (s *Store) User(ctx context.Context, id uuid.UUID) (u readmodel.User, found bool, err error) {
	err = s.read(ctx, Users, func(g *generation) error {
		u, found, err = oneUser(s.pool.QueryRow(ctx, g.sql(selectUser), uuidArg(id)), id)
		return err
	})
	return u, found, err
}

// TokenRevoked reports whether the token was revoked (expired or not).
func (s *Store) TokenRevoked(ctx context.Context, tokenID string) (revoked bool, err error) {
	err = s.read(ctx, Users, func(g *generation) error {
		return s.pool.QueryRow(ctx, g.sql(`SELECT EXISTS (SELECT 1 FROM {s}.revoked_tokens WHERE token_id = $1)`), tokenID).Scan(&revoked)
	})
	if err != nil {
		return false, fmt.Errorf("token %s revoked: %w", tokenID, err)
	}
	return revoked, nil
}

func oneUser(row pgx.Row, id uuid.UUID) (readmodel.User, bool, error) {
	var (
		u       readmodel.User
		roles   []byte
		created pgtype.Timestamptz
	)
	err := row.Scan(&u.ID, &u.Email, &u.FirstName, &u.LastName, &roles, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return readmodel.User{}, false, nil
	}
	if err != nil {
		return readmodel.User{}, false, fmt.Errorf("user %s: %w", id, err)
	}
	if err := json.Unmarshal(roles, &u.Roles); err != nil {
		return readmodel.User{}, false, fmt.Errorf("user %s: roles: %w", id, err)
	}
	if len(u.Roles) == 0 {
		u.Roles = nil
	}
	u.CreatedAt = timeCol(created)
	return u, true, nil
}
