-- Stream ids compare bytewise: cheaper than a locale in every index probe, and their
-- order means nothing. Metadata is json, not jsonb: it is kept as written, and parsing
-- jsonb was measured to double the time of a batch INSERT.
ALTER TABLE events ALTER COLUMN stream_id TYPE text COLLATE "C";
ALTER TABLE events ALTER COLUMN metadata TYPE json USING metadata::json;

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
