-- The manifest: which generation of each projection serves queries and takes the
-- runner's updates, and the number the next rebuild gets. A promote changes "serving"
-- in one transaction; a generation's tables live in their own schema (generation.go).
CREATE TABLE generations (
    projection text    PRIMARY KEY,
    serving    integer NOT NULL,
    layout     integer NOT NULL, -- the layout version its tables were created with
    next       integer NOT NULL  -- never reused, so a stray schema is never mistaken for a new one
);

-- One checkpoint per generation: an Update writes its rows and this row in one transaction.
CREATE TABLE checkpoints (
    projection  text    NOT NULL,
    generation  integer NOT NULL,
    commit_pos  bigint  NOT NULL,
    prepare_pos bigint  NOT NULL,
    PRIMARY KEY (projection, generation)
);

-- lock_serving is the first statement of every Update of a serving generation. It holds
-- the manifest row (a promote waits for the Update to commit) and fails the whole
-- transaction if the generation the writer chose is no longer the serving one, which
-- can only happen when another process promoted meanwhile.
CREATE FUNCTION lock_serving(p text, g integer) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    current integer;
BEGIN
    SELECT serving INTO current FROM generations WHERE projection = p FOR SHARE;
    IF current IS DISTINCT FROM g THEN
        RAISE EXCEPTION 'projection % is served by generation %, not %', p, current, g
            USING ERRCODE = 'CH001';
    END IF;
END
$$;
