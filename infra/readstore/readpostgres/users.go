package readpostgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/chance-video/chance/readmodel/users"
)

// Users and revoked tokens.

var _ = register(model{
	name: users.Name,
	layout: `CREATE TABLE users (
    id         uuid  PRIMARY KEY,
    email      text  NOT NULL,
    first_name text  NOT NULL,
    last_name  text  NOT NULL,
    roles      jsonb NOT NULL,
    created_at timestamptz,
    channels   jsonb NOT NULL, -- where the user is told things
    phone      text  NOT NULL,
    telegram_chat_id text NOT NULL
);

-- A revoked token is kept as recorded; whether it has expired is the token's own check.
CREATE TABLE revoked_tokens (
    token_id   text PRIMARY KEY,
    user_id    uuid NOT NULL,
    expires_at timestamptz
);
`,
	writes: func(t *tx) modelWrites { return &userWrites{t: t} },
})

// userWrites is users.Writes on one Update: profiles and revoked tokens put, buffered
// until commit.
type userWrites struct {
	t       *tx
	users   buffer[uuid.UUID, users.User]
	revoked buffer[string, users.RevokedToken]
}

var (
	_ users.Writes = (*userWrites)(nil)
	_ users.Reads  = (*Store)(nil)
)

func (w *userWrites) flush(b *pgx.Batch) error {
	if err := w.flushUsers(b); err != nil {
		return err
	}
	return w.flushRevoked(b)
}

const upsertUsers = `INSERT INTO {s}.users (id, email, first_name, last_name, roles, created_at, channels, phone, telegram_chat_id)
	SELECT u.id, u.email, u.first_name, u.last_name, u.roles::jsonb, u.created_at, u.channels::jsonb, u.phone, u.telegram_chat_id
	FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[], $9::text[])
		AS u(id, email, first_name, last_name, roles, created_at, channels, phone, telegram_chat_id)
	ON CONFLICT (id) DO UPDATE SET email = excluded.email, first_name = excluded.first_name,
		last_name = excluded.last_name, roles = excluded.roles, created_at = excluded.created_at,
		channels = excluded.channels, phone = excluded.phone, telegram_chat_id = excluded.telegram_chat_id`

const selectUser = `SELECT id, email, first_name, last_name, roles, created_at, channels, phone, telegram_chat_id FROM {s}.users WHERE id = $1`

const upsertRevokedTokens = `INSERT INTO {s}.revoked_tokens (token_id, user_id, expires_at)
	SELECT * FROM unnest($1::text[], $2::uuid[], $3::timestamptz[])
	ON CONFLICT (token_id) DO UPDATE SET user_id = excluded.user_id, expires_at = excluded.expires_at`

func (w *userWrites) PutUser(ctx context.Context, u users.User) error {
	w.users.put(u.ID, u)
	return nil
}

func (w *userWrites) User(ctx context.Context, id uuid.UUID) (users.User, bool, error) {
	if u, ok := w.users.get(id); ok {
		return u, true, nil
	}
	return oneUser(w.t.queryRow(ctx, selectUser, uuidArg(id)), id)
}

func (w *userWrites) RevokeToken(ctx context.Context, r users.RevokedToken) error {
	w.revoked.put(r.TokenID, r)
	return nil
}

func (w *userWrites) flushUsers(b *pgx.Batch) error {
	n := w.users.len()
	if n == 0 {
		return nil
	}
	var (
		ids                          = make([][16]byte, 0, n)
		emails, firsts, lasts, roles = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		channels, phones, chats      = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		created                      = make([]pgtype.Timestamptz, 0, n)
		err                          error
	)
	w.users.each(func(u users.User) {
		r, jerr := json.Marshal(nonNil(u.Roles))
		if jerr != nil && err == nil {
			err = fmt.Errorf("put user %s: roles: %w", u.ID, jerr)
		}
		ch, jerr := json.Marshal(nonNil(u.Channels))
		if jerr != nil && err == nil {
			err = fmt.Errorf("put user %s: channels: %w", u.ID, jerr)
		}
		ids, emails = append(ids, uuidArg(u.ID)), append(emails, u.Email)
		firsts, lasts, roles = append(firsts, u.FirstName), append(lasts, u.LastName), append(roles, string(r))
		created = append(created, timeArg(u.CreatedAt))
		channels, phones, chats = append(channels, string(ch)), append(phones, u.Phone), append(chats, u.TelegramChatID)
	})
	if err != nil {
		return err
	}
	b.Queue(w.t.gen.sql(upsertUsers), ids, emails, firsts, lasts, roles, created, channels, phones, chats)
	return nil
}

func (w *userWrites) flushRevoked(b *pgx.Batch) error {
	n := w.revoked.len()
	if n == 0 {
		return nil
	}
	tokens, owners, expires := make([]string, 0, n), make([][16]byte, 0, n), make([]pgtype.Timestamptz, 0, n)
	w.revoked.each(func(r users.RevokedToken) {
		tokens, owners, expires = append(tokens, r.TokenID), append(owners, uuidArg(r.UserID)), append(expires, timeArg(r.ExpiresAt))
	})
	b.Queue(w.t.gen.sql(upsertRevokedTokens), tokens, owners, expires)
	return nil
}

func (s *Store) User(ctx context.Context, id uuid.UUID) (u users.User, found bool, err error) {
	err = s.read(ctx, users.Name, func(g *generation) error {
		u, found, err = oneUser(s.pool.QueryRow(ctx, g.sql(selectUser), uuidArg(id)), id)
		return err
	})
	return u, found, err
}

// TokenRevoked reports whether the token was revoked (expired or not).
func (s *Store) TokenRevoked(ctx context.Context, tokenID string) (revoked bool, err error) {
	err = s.read(ctx, users.Name, func(g *generation) error {
		return s.pool.QueryRow(ctx, g.sql(`SELECT EXISTS (SELECT 1 FROM {s}.revoked_tokens WHERE token_id = $1)`), tokenID).Scan(&revoked)
	})
	if err != nil {
		return false, fmt.Errorf("token %s revoked: %w", tokenID, err)
	}
	return revoked, nil
}

func oneUser(row pgx.Row, id uuid.UUID) (users.User, bool, error) {
	var (
		u        users.User
		roles    []byte
		channels []byte
		created  pgtype.Timestamptz
	)
	err := row.Scan(&u.ID, &u.Email, &u.FirstName, &u.LastName, &roles, &created, &channels, &u.Phone, &u.TelegramChatID)
	if errors.Is(err, pgx.ErrNoRows) {
		return users.User{}, false, nil
	}
	if err != nil {
		return users.User{}, false, fmt.Errorf("user %s: %w", id, err)
	}
	if err := json.Unmarshal(roles, &u.Roles); err != nil {
		return users.User{}, false, fmt.Errorf("user %s: roles: %w", id, err)
	}
	if len(u.Roles) == 0 {
		u.Roles = nil
	}
	if err := json.Unmarshal(channels, &u.Channels); err != nil {
		return users.User{}, false, fmt.Errorf("user %s: channels: %w", id, err)
	}
	if len(u.Channels) == 0 {
		u.Channels = nil
	}
	u.CreatedAt = timeCol(created)
	return u, true, nil
}
