CREATE OR REPLACE FUNCTION public.report_for_receipt(receipt text, hash bytea)
 RETURNS TABLE(party_id uuid, sealed bytea, wrapped_private_key bytea)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
          SELECT r.party_id, r.sealed, k.wrapped_private_key
          FROM reports r JOIN party_seal_keys k ON k.party_id = r.party_id
          WHERE r.code = receipt AND r.secret_hash = hash AND r.sealed IS NOT NULL
        $function$;
