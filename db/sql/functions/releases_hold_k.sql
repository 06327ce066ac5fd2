CREATE OR REPLACE FUNCTION public.releases_hold_k()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          code_k integer;
          stored bigint;
          smallest bigint;
        BEGIN
          SELECT r.k INTO code_k FROM code_rules r WHERE r.code_version = NEW.code_version;
          IF code_k IS NULL OR NEW.k < code_k THEN
            RAISE EXCEPTION 'a release keeps the code''s k (%)', code_k USING ERRCODE = '42501';
          END IF;
          SELECT coalesce(sum(n), 0), min(n) INTO stored, smallest FROM (
            SELECT count(*) AS n FROM published_outcomes o WHERE o.release_id = NEW.id
            GROUP BY o.party_id, o.release_id,
                     to_jsonb(o) - 'id' - 'party_id' - 'release_id'
          ) classes;
          IF stored <> NEW.record_count THEN
            RAISE EXCEPTION 'a release holds the % records it names (found %)',
              NEW.record_count, stored USING ERRCODE = '42501';
          END IF;
          IF smallest IS NOT NULL AND smallest < NEW.k THEN
            RAISE EXCEPTION 'a release holds classes of at least k records (found %)', smallest
              USING ERRCODE = '42501';
          END IF;
          RETURN NULL;
        END $function$;
