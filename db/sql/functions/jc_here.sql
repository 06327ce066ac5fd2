CREATE OR REPLACE FUNCTION public.jc_here()
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
          SELECT pg_backend_pid()::text || '@'
                 || (extract(epoch FROM transaction_timestamp()) * 1000000)::bigint::text
        $function$;
