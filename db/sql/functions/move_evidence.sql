CREATE OR REPLACE FUNCTION public.move_evidence(evidence uuid, resealed bytea)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          IF jc_role() NOT IN ('officer', 'party_admin') THEN
            RAISE EXCEPTION 'transfers are for a party''s officers' USING ERRCODE = '42501';
          END IF;
          -- the report has just moved to another party: its files follow, sealed to it
          UPDATE report_evidence e SET party_id = r.party_id, sealed = resealed
            FROM reports r
            WHERE e.id = evidence AND r.id = e.report_id AND e.party_id = jc_party()
              AND r.party_id <> e.party_id;
          RETURN FOUND;
        END $function$;
