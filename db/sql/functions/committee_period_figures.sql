CREATE OR REPLACE FUNCTION public.committee_period_figures(from_date date, to_date date, today date, k integer, start_month integer, band_starts integer[])
 RETURNS TABLE(party_id uuid, metric text, value bigint)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
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

          
          PERFORM pg_advisory_xact_lock(hashtextextended('committee_editions', 0));
          IF NOT EXISTS (SELECT 1 FROM committee_editions e
                         WHERE e.period_start = from_date AND e.period_end = to_date) THEN
            INSERT INTO committee_editions (period_start, period_end, figures, sanctions)
            SELECT from_date, to_date,
              (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'party', f.party_id, 'metric', f.metric, 'value', f.value)), '[]')
               FROM committee_period_figures_live(from_date, to_date, current_date, k,
                                                  start_month, band_starts) f),
              (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'party', s.party_id, 'severity', s.severity, 'sanction', s.sanction,
                 'value', s.value)), '[]')
               FROM committee_period_sanctions_live(from_date, to_date, k, start_month) s);
          END IF;

          RETURN QUERY
            SELECT (x ->> 'party')::uuid, x ->> 'metric', (x ->> 'value')::bigint
            FROM committee_editions e, jsonb_array_elements(e.figures) x
            WHERE e.period_start = from_date AND e.period_end = to_date;
        END $function$;
