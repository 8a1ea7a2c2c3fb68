CREATE TABLE balances (
    user_id uuid   PRIMARY KEY,
    balance bigint NOT NULL
);

CREATE TABLE payments (
    id          uuid   PRIMARY KEY,
    user_id     uuid   NOT NULL,
    kind        text   NOT NULL,
    purpose     text   NOT NULL,
    amount      bigint NOT NULL,
    status      text   NOT NULL,
    reason      text   NOT NULL,
    premiere_id uuid   NOT NULL,
    rental_id   uuid   NOT NULL,
    created_at  timestamptz
);
