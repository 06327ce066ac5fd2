CREATE OR REPLACE FUNCTION public.published_outcomes_append_never()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          parts text[];
        BEGIN
          IF TG_OP <> 'INSERT' THEN
            RAISE EXCEPTION 'a published release''s records never change' USING ERRCODE = '42501';
          END IF;
          parts := string_to_array(current_setting('jointcode.open_release', true), '|');
          IF parts IS NULL OR cardinality(parts) <> 3 OR parts[1] <> NEW.release_id::text
             OR parts[2] <> jc_here()
             OR parts[3] <> jc_seal(parts[1] || '|' || parts[2]) THEN
            RAISE EXCEPTION 'records are added to a release only as it is published'
              USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $function$;
