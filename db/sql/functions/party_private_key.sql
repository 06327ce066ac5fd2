CREATE OR REPLACE FUNCTION public.party_private_key()
 RETURNS bytea
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
          SELECT wrapped_private_key FROM party_seal_keys WHERE party_id = jc_party()
        $function$;
