CREATE OR REPLACE FUNCTION public.jc_bind_operator(party uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          PERFORM jc_set_binding('operator', NULL, party);
        END $function$;
