CREATE OR REPLACE FUNCTION public.chain_heads()
 RETURNS TABLE(party text, audit_hash text, release_number integer, release_hash text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
          WITH chains AS (
            SELECT NULL::uuid AS id, NULL::text AS slug
            UNION ALL SELECT id, slug FROM parties
          )
          SELECT c.slug, a.hash, r.number, r.content_hash
          FROM chains c
          LEFT JOIN LATERAL (
            SELECT seq, hash FROM audit_entries e
            WHERE e.party_id IS NOT DISTINCT FROM c.id ORDER BY seq DESC LIMIT 1
          ) a ON true
          LEFT JOIN LATERAL (
            SELECT number, content_hash FROM releases x
            WHERE x.party_id = c.id ORDER BY number DESC LIMIT 1
          ) r ON true
          ORDER BY c.slug NULLS FIRST
        $function$;
