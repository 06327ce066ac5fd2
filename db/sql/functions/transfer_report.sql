CREATE OR REPLACE FUNCTION public.transfer_report(report uuid, to_party uuid, resealed bytea)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          IF jc_role() NOT IN ('officer', 'party_admin') THEN
            RAISE EXCEPTION 'transfers are for a party''s officers' USING ERRCODE = '42501';
          END IF;
          UPDATE reports SET party_id = to_party, sealed = resealed, transfers = transfers + 1,
                             duplicate_of = NULL
            WHERE id = report AND party_id = jc_party() AND status = 'received'
              AND to_party <> jc_party();
          RETURN FOUND;
        END $function$;
