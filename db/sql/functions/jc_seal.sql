CREATE OR REPLACE FUNCTION public.jc_seal(payload text)
 RETURNS text
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
          SELECT encode(sha256(k.key || sha256(k.key || convert_to(payload, 'UTF8'))), 'hex')
          FROM binding_key k
        $function$;
