CREATE OR REPLACE FUNCTION public.withdraw_report(receipt text, hash bytea)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          mine reports%ROWTYPE;
          n integer;
        BEGIN
          SELECT * INTO mine FROM reports
            WHERE code = receipt AND secret_hash = hash AND status = 'received' FOR UPDATE;
          IF NOT FOUND THEN
            RETURN 0;
          END IF;
          UPDATE reports SET status = 'withdrawn', sealed = NULL, notify_sealed = NULL,
                             closed_at = now(), erased_at = now()
            WHERE status = 'received' AND party_id = mine.party_id
              AND (id = mine.id OR (mine.reporter_key IS NOT NULL
                   AND reporter_key = mine.reporter_key
                   AND (duplicate_of = mine.id OR id = mine.duplicate_of
                        OR duplicate_of = mine.duplicate_of)));
          GET DIAGNOSTICS n = ROW_COUNT;
          RETURN n;
        END $function$;
