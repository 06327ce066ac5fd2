CREATE OR REPLACE FUNCTION public.jc_chain_head(chain uuid)
 RETURNS TABLE(seq bigint, hash text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          IF NOT (chain IS NOT DISTINCT FROM jc_party()
                  OR jc_role() IN ('admin', 'operator')
                  OR (chain IS NULL AND jc_role() IS NOT NULL)
                  OR (jc_role() = 'committee' AND EXISTS (
                        SELECT 1 FROM enrolments n WHERE n.party_id = chain AND n.needs_consent
                          AND n.used_at IS NULL AND n.expires_at > now()))) THEN
            RAISE EXCEPTION 'not a chain you may append to' USING ERRCODE = '42501';
          END IF;
          RETURN QUERY SELECT e.seq, e.hash FROM audit_entries e
            WHERE e.party_id IS NOT DISTINCT FROM chain ORDER BY e.seq DESC LIMIT 1;
        END $function$;
