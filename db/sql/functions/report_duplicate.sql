CREATE OR REPLACE FUNCTION public.report_duplicate(party uuid, print bytea)
 RETURNS uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
          SELECT id FROM reports WHERE party_id = party AND fingerprint = print
            AND duplicate_of IS NULL ORDER BY received_at LIMIT 1
        $function$;
