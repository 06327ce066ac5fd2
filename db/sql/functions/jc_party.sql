CREATE OR REPLACE FUNCTION public.jc_party()
 RETURNS uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
          SELECT party FROM jc_viewer() WHERE role IN ('officer', 'party_admin', 'operator')
        $function$;
