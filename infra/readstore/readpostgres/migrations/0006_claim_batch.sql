-- claim_batch is the second statement of a runner's Update on a store several processes
-- follow the log into (projections.Shared): each process's runner gets every batch, and
-- one of them must apply it. It locks the generation's checkpoint row (creating it at
-- the start first, so that the very first batches lock something too) and fails the
-- whole transaction when the checkpoint is already at or past the batch's first event:
-- another process applied it. The loser writes nothing and resumes from the checkpoint.
CREATE FUNCTION claim_batch(p text, g integer, first_commit bigint, first_prepare bigint) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    c bigint;
    pr bigint;
BEGIN
    INSERT INTO checkpoints (projection, generation, commit_pos, prepare_pos) VALUES (p, g, 0, 0)
        ON CONFLICT (projection, generation) DO NOTHING;
    SELECT commit_pos, prepare_pos INTO c, pr FROM checkpoints WHERE projection = p AND generation = g FOR UPDATE;
    IF (c, pr) >= (first_commit, first_prepare) THEN
        RAISE EXCEPTION 'projection % generation % is at %/%, past the batch from %/%', p, g, c, pr, first_commit, first_prepare
            USING ERRCODE = 'CH002';
    END IF;
END
$$;
