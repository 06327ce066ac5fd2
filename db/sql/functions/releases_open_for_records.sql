CREATE OR REPLACE FUNCTION public.releases_open_for_records()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          payload text := NEW.id::text || '|' || jc_here();
        BEGIN
          PERFORM set_config('jointcode.open_release', payload || '|' || jc_seal(payload), true);
          RETURN NULL;
        END $function$;
