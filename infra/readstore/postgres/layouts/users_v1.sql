CREATE TABLE users (
    id         uuid  PRIMARY KEY,
    email      text  NOT NULL,
    first_name text  NOT NULL,
    last_name  text  NOT NULL,
    roles      jsonb NOT NULL,
    created_at timestamptz
);

-- A revoked token is kept as recorded; whether it has expired is the token's own check.
CREATE TABLE revoked_tokens (
    token_id   text PRIMARY KEY,
    user_id    uuid NOT NULL,
    expires_at timestamptz
);
