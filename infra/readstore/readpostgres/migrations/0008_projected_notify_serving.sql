-- Notify <schema>_projected only when a serving generation's position moved: not for
-- the writes of a rebuild's shadow generation, nor for an update that changed nothing
-- (projection_scanned's "never back" upsert). Each notification is a queue entry and
-- takes the commit-time notify lock the event store's appends also take. Row triggers:
-- a statement trigger cannot see which rows moved. The serving generation changing (a
-- rebuild's swap) notifies too. The payload names the projection (for tests and operators).
CREATE OR REPLACE FUNCTION notify_projected_serving() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.commit_pos, OLD.prepare_pos) IS NOT DISTINCT FROM (NEW.commit_pos, NEW.prepare_pos) THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM generations g WHERE g.projection = NEW.projection AND g.serving = NEW.generation) THEN
        PERFORM pg_notify(TG_TABLE_SCHEMA || '_projected', NEW.projection);
    END IF;
    RETURN NULL;
END
$$;
DROP TRIGGER checkpoints_notify ON checkpoints;
DROP TRIGGER projection_scanned_notify ON projection_scanned;
CREATE TRIGGER checkpoints_notify AFTER INSERT OR UPDATE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION notify_projected_serving();
CREATE TRIGGER projection_scanned_notify AFTER INSERT OR UPDATE ON projection_scanned
    FOR EACH ROW EXECUTE FUNCTION notify_projected_serving();
CREATE TRIGGER generations_notify AFTER UPDATE OF serving ON generations
    FOR EACH STATEMENT EXECUTE FUNCTION notify_projected();
