CREATE OR REPLACE FUNCTION public.checkpoints_extend_the_newest()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          newest checkpoints%ROWTYPE;
        BEGIN
          SELECT * INTO newest FROM checkpoints ORDER BY seq DESC LIMIT 1;
          IF NEW.signed IS NULL OR NEW.body IS DISTINCT FROM NEW.signed::jsonb
             OR (NEW.body ->> 'seq')::bigint IS DISTINCT FROM NEW.seq
             OR NEW.seq IS DISTINCT FROM coalesce(newest.seq, 0) + 1
             OR (newest.signed IS NOT NULL AND NEW.body ->> 'previous'
                 IS DISTINCT FROM encode(sha256(convert_to(newest.signed, 'UTF8')), 'hex')) THEN
            RAISE EXCEPTION 'a checkpoint extends the newest one (seq %)', coalesce(newest.seq, 0)
              USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $function$;
