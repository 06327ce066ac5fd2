CREATE OR REPLACE FUNCTION public.public_timeliness(party uuid, from_date date, to_date date, today date, k integer, start_month integer, band_starts integer[])
 RETURNS TABLE(metric text, value bigint)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM parties p WHERE p.id = party AND p.publishes_timeliness)
          THEN
            RAISE EXCEPTION 'this party does not publish its timeliness figures'
              USING ERRCODE = '42501';
          END IF;
          
          IF k IS NULL OR k < (SELECT max(r.k) FROM code_rules r) THEN
            RAISE EXCEPTION 'published counts keep the code''s k' USING ERRCODE = '42501';
          END IF;
          IF to_date + (SELECT max(r.settling_days) FROM code_rules r) > current_date THEN
            RAISE EXCEPTION 'figures for % to % are published on %', from_date, to_date,
              to_date + (SELECT max(r.settling_days) FROM code_rules r)
              USING ERRCODE = '42501';
          END IF;

          IF current_setting('transaction_read_only') = 'on' THEN
            NULL;  -- a read replica: the primary's job computes the edition on its date
          ELSE
            
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

          END IF;
          RETURN QUERY
            SELECT x ->> 'metric', (x ->> 'value')::bigint
            FROM committee_editions e, jsonb_array_elements(e.figures) x
            WHERE e.period_start = from_date AND e.period_end = to_date
              AND x ->> 'party' = party::text;
        END $function$;
