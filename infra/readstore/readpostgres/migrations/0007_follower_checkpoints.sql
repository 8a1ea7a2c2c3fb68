-- Follower checkpoints: how far each follower of the log that is not a projection (the
-- forwarder, flow recovery) has got, so that any process can take its role over. Not a
-- projection: no generations.
CREATE TABLE follower_checkpoints (
    name        text   PRIMARY KEY,
    commit_pos  bigint NOT NULL,
    prepare_pos bigint NOT NULL
);
-- Projection progress for other processes: how far each projection's follower has read
-- the log (its checkpoint moves only with a batch holding events it handles, so a
-- process waiting on a position irrelevant to it would otherwise wait forever). Written
-- throttled by the projector; readers take the greater of this and the checkpoint.
CREATE TABLE projection_scanned (
    projection  text    NOT NULL,
    generation  integer NOT NULL,
    commit_pos  bigint  NOT NULL,
    prepare_pos bigint  NOT NULL,
    PRIMARY KEY (projection, generation)
);
-- Processes without the projector role (api-only) wait for projections through these
-- two tables: a change of either wakes them with a notification on <schema>_projected,
-- sent at commit.
CREATE FUNCTION notify_projected() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_projected', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER checkpoints_notify AFTER INSERT OR UPDATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION notify_projected();
CREATE TRIGGER projection_scanned_notify AFTER INSERT OR UPDATE ON projection_scanned
    FOR EACH STATEMENT EXECUTE FUNCTION notify_projected();
