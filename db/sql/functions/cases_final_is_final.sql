CREATE OR REPLACE FUNCTION public.cases_final_is_final()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          probe cases;
          old_row jsonb;
          new_row jsonb;
          changed jsonb;
        BEGIN
          IF NEW.release_id IS NOT NULL AND NEW.release_id IS DISTINCT FROM OLD.release_id
             AND NOT EXISTS (SELECT 1 FROM releases r
                             WHERE r.id = NEW.release_id AND r.party_id = NEW.party_id) THEN
            RAISE EXCEPTION 'a case is released only into a release of its own party'
              USING ERRCODE = '42501';
          END IF;
          IF OLD.state <> 'final' THEN
            RETURN NEW;
          END IF;
          IF OLD.release_id IS NOT NULL AND NEW.release_id IS DISTINCT FROM OLD.release_id THEN
            RAISE EXCEPTION 'a released case stays in its release' USING ERRCODE = '42501';
          END IF;
          probe := NEW;
          probe.release_id := OLD.release_id;
          probe.tabulated := OLD.tabulated;
          probe.updated_at := OLD.updated_at;
          probe.version := OLD.version;
          IF probe IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
          END IF;
          old_row := to_jsonb(OLD) - 'release_id' - 'tabulated' - 'updated_at' - 'version';
          new_row := to_jsonb(NEW) - 'release_id' - 'tabulated' - 'updated_at' - 'version';
          changed := new_row - ARRAY(SELECT o.key FROM jsonb_each(old_row) o
                                     WHERE new_row -> o.key = o.value);
          -- erasure: a personal field set to null
          changed := changed - ARRAY(SELECT k FROM unnest(ARRAY['summary',
                                     'respondent_pseudonym']) k WHERE changed -> k = 'null');
          IF changed <> '{}'::jsonb THEN
            RAISE EXCEPTION 'a final case cannot change (%)',
              (SELECT string_agg(key, ', ') FROM jsonb_object_keys(changed) key)
              USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $function$;
