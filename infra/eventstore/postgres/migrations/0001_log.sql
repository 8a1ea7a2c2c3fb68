-- The whole log. position is assigned by the appending transaction while it holds the
-- log_head row (see the package doc): positions run 1, 2, 3 … in commit order, without
-- gaps. events_by_stream serves ReadStream and the idempotency checks, and is the last
-- guard against two appends taking the same revision of a stream.
-- event_id is stored but deliberately not indexed: ids are unique per stream only and
-- looked up through events_by_stream; a global index on random ids would cost a random
-- index page write per event.
CREATE TABLE events (
    position  bigint PRIMARY KEY,
    stream_id text   NOT NULL,
    revision  bigint NOT NULL,
    event_id  uuid   NOT NULL,
    type      text   NOT NULL,
    data      bytea  NOT NULL, -- the payload's bytes exactly as appended
    metadata  jsonb  NOT NULL
);

CREATE UNIQUE INDEX events_by_stream ON events (stream_id, revision);

-- One row: the last position taken. An appender updates it as the last step before
-- COMMIT; the row lock it takes serialises appenders from there to COMMIT, so positions
-- become visible in order. fillfactor leaves room for HOT updates of the one row.
CREATE TABLE log_head (
    one      boolean PRIMARY KEY DEFAULT true CHECK (one),
    position bigint  NOT NULL
) WITH (fillfactor = 10);

INSERT INTO log_head (position) VALUES (0);
