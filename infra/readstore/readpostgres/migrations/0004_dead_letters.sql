-- Dead letters: messages a handler still failed on after its retries, recorded by the
-- poison topic's consumer, listed and requeued by admins. Not a projection: no
-- generations, no checkpoint. One row per message and handler.
CREATE TABLE dead_letters (
    id              uuid PRIMARY KEY,
    message_id      text        NOT NULL,
    topic           text        NOT NULL,
    handler         text        NOT NULL,
    payload         bytea       NOT NULL,
    metadata        jsonb       NOT NULL,
    reason          text        NOT NULL,
    attempts        integer     NOT NULL,
    failure_id      text        NOT NULL,
    first_failed_at timestamptz NOT NULL,
    last_failed_at  timestamptz NOT NULL,
    status          text        NOT NULL,
    requeues        integer     NOT NULL DEFAULT 0,
    requeued_at     timestamptz
);
CREATE INDEX dead_letters_newest ON dead_letters (last_failed_at DESC, id DESC);
