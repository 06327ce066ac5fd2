CREATE OR REPLACE FUNCTION public.reports_touch()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          NEW.updated_at := now();
          RETURN NEW;
        END $function$;
