CREATE OR REPLACE FUNCTION public.bump_public_epoch()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          UPDATE public_epoch SET epoch = epoch + 1;
          RETURN NULL;
        END $function$;
