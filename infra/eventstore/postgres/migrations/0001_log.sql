-- The whole log. position is assigned by the appending transaction while it holds the
-- log_head row (see the package doc): positions run 1, 2, 3 … in commit order, without
-- gaps. events_by_stream serves ReadStream and the idempotency checks, and is the last
-- guard against two appends taking the same revision of a stream.
-- event_id is stored but deliberately not indexed: ids are unique per stream only and
-- looked up through events_by_stream; a global index on random ids would cost a random
-- index page write per event.
CREATE TABLE events (
    position  bigint PRIMARY KEY,
    stream_id text   COLLATE "C" NOT NULL, -- compared bytewise: cheaper than a locale, and the order means nothing
    revision  bigint NOT NULL,
    event_id  uuid   NOT NULL,
    type      text   NOT NULL,
    data      bytea  NOT NULL, -- the payload's bytes exactly as appended
    metadata  json   NOT NULL  -- json, not jsonb: kept as written, and parsing jsonb was measured to double a batch INSERT's time
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

-- append_events is one group commit, run as a statement of its own (one round trip, one
-- implicit transaction). It takes the positions after the head, locking the head row,
-- so that each statement after that sees every append committed before. If the head is
-- where the caller last saw it (known), nobody else appended since and the caller's
-- decisions stand. Otherwise it checks that every stream the batch was decided on is
-- still at the revision it was decided on (last: -1 for a stream with no events). If one
-- is not, it gives the positions back, writes nothing and returns those streams in stale:
-- the caller decides again. Otherwise it writes the events, and notifies the channel
-- (delivered at COMMIT). Either way it returns the head it found and, when other
-- processes appended since known and there are at most max_scan such events, the streams
-- they appended to.
CREATE FUNCTION append_events(
    known     bigint,
    streams   text[],
    lasts     bigint[],
    e_stream  text[],
    e_rev     bigint[],
    e_id      uuid[],
    e_type    text[],
    e_data    bytea[],
    e_meta    json[],
    channel   text,
    max_scan  bigint,
    OUT head            bigint,
    OUT stale           text[],
    OUT foreign_streams text[]
)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    n bigint := coalesce(cardinality(e_stream), 0);
BEGIN
    UPDATE log_head SET position = position + n RETURNING position - n INTO head;
    IF head < known THEN
        -- Writing here would reuse positions the caller's subscribers have already seen.
        RAISE EXCEPTION 'the log head is at %, behind % seen before', head, known USING ERRCODE = 'CHREW';
    END IF;
    IF head > known THEN
        SELECT array_agg(s.stream_id) INTO stale
          FROM unnest(streams, lasts) AS s(stream_id, last)
         WHERE coalesce((SELECT max(e.revision) FROM events e WHERE e.stream_id = s.stream_id), -1) <> s.last;
        IF head - known <= max_scan THEN
            SELECT array_agg(DISTINCT e.stream_id) INTO foreign_streams
              FROM events e WHERE e.position > known AND e.position <= head;
        END IF;
        IF stale IS NOT NULL THEN
            UPDATE log_head SET position = head;
            RETURN;
        END IF;
    END IF;
    INSERT INTO events (position, stream_id, revision, event_id, type, data, metadata)
    SELECT head + r.ord, r.stream_id, r.rev, r.id, r.type, r.data, r.meta
      FROM unnest(e_stream, e_rev, e_id, e_type, e_data, e_meta)
           WITH ORDINALITY AS r(stream_id, rev, id, type, data, meta, ord);
    PERFORM pg_notify(channel, (head + n)::text);
END
$$;
