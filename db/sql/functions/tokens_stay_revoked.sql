CREATE OR REPLACE FUNCTION public.tokens_stay_revoked()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
            RAISE EXCEPTION 'a revoked token stays revoked' USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $function$;
