CREATE OR REPLACE FUNCTION public.add_to_report(receipt text, hash bytea, opened_hash bytea, resealed bytea)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          UPDATE reports r SET sealed = resealed
            WHERE r.code = receipt AND r.secret_hash = hash AND r.sealed IS NOT NULL
              AND sha256(r.sealed) = opened_hash
              AND (r.status = 'received' OR (r.status = 'accepted' AND NOT EXISTS (
                     SELECT 1 FROM cases c WHERE c.id = r.case_id
                       AND c.state IN ('final', 'closed_out_of_scope', 'withdrawn', 'respondent_left'))));
          RETURN FOUND;
        END $function$;
