CREATE OR REPLACE FUNCTION public.jc_role()
 RETURNS text
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
          SELECT role FROM jc_viewer()
        $function$;
