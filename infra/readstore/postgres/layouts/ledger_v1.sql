-- position is the log's order; a second entry with the same event id (or position) is
-- ignored by the writer's ON CONFLICT DO NOTHING.
CREATE TABLE ledger (
    position      bigint PRIMARY KEY,
    event_id      uuid   NOT NULL UNIQUE,
    user_id       uuid   NOT NULL,
    kind          text   NOT NULL,
    purpose       text   NOT NULL,
    amount        bigint NOT NULL,
    balance_after bigint NOT NULL,
    payment_id    uuid   NOT NULL,
    rental_id     uuid   NOT NULL,
    occurred_at   timestamptz
);
CREATE INDEX ledger_by_user ON ledger (user_id, position);
CREATE INDEX ledger_by_time ON ledger (occurred_at);
