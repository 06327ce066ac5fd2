CREATE OR REPLACE FUNCTION public.committee_period_sanctions(from_date date, to_date date, k integer, start_month integer)
 RETURNS TABLE(party_id uuid, severity integer, sanction text, value bigint)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          band_starts integer[] := ARRAY[0];
        BEGIN
          IF jc_role() IS DISTINCT FROM 'committee' THEN
            RAISE EXCEPTION 'Committee figures are for the Committee' USING ERRCODE = '42501';
          END IF;
          
          IF k IS NULL OR k < (SELECT max(r.k) FROM code_rules r) THEN
            RAISE EXCEPTION 'published counts keep the code''s k' USING ERRCODE = '42501';
          END IF;
          IF to_date + (SELECT max(r.settling_days) FROM code_rules r) > current_date THEN
            RAISE EXCEPTION 'figures for % to % are published on %', from_date, to_date,
              to_date + (SELECT max(r.settling_days) FROM code_rules r)
              USING ERRCODE = '42501';
          END IF;

          IF NOT EXISTS (SELECT 1 FROM committee_editions e
                         WHERE e.period_start = from_date AND e.period_end = to_date) THEN
            RAISE EXCEPTION 'ask for the period''s figures first' USING ERRCODE = '55000';
          END IF;
          RETURN QUERY
            SELECT (x ->> 'party')::uuid, (x ->> 'severity')::integer, x ->> 'sanction',
                   (x ->> 'value')::bigint
            FROM committee_editions e, jsonb_array_elements(e.sanctions) x
            WHERE e.period_start = from_date AND e.period_end = to_date;
        END $function$;
