CREATE OR REPLACE FUNCTION public.public_timeliness_live(party uuid, from_date date, to_date date, today date, k integer, start_month integer, band_starts integer[])
 RETURNS TABLE(metric text, value bigint)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM parties p WHERE p.id = party AND p.publishes_timeliness)
          THEN
            RAISE EXCEPTION 'this party does not publish its timeliness figures'
              USING ERRCODE = '42501';
          END IF;
          
  IF NOT (extract(day FROM from_date) = 1 AND (
       (extract(month FROM from_date)::int % 3 = 1
        AND to_date = (from_date + interval '3 months' - interval '1 day')::date)
       OR ((extract(month FROM from_date)::int IN (1, start_month))
        AND to_date = (from_date + interval '1 year' - interval '1 day')::date))) THEN
    RAISE EXCEPTION 'not a fixed reporting period: % to %', from_date, to_date
      USING ERRCODE = '22023';
  END IF;

          RETURN QUERY
          WITH cells AS (
            SELECT m.metric, c.n, c.key_sum
            FROM committee_counts c
            CROSS JOIN LATERAL (VALUES
              ('received', true),
              ('decided', c.decided),
              ('open', c.state IN ('received', 'triaged', 'under_assessment')),
              ('appealed', c.appealed),
              ('decided_on_time', c.on_time),
              ('published', c.published)) AS m(metric, hit)
            WHERE m.hit AND c.party_id = party AND c.received_on BETWEEN from_date AND to_date
            UNION ALL
            SELECT 'open_overdue', d.n, d.key_sum FROM committee_due d
            WHERE d.party_id = party AND d.received_on BETWEEN from_date AND to_date
              AND d.next_due < today
            UNION ALL
            SELECT 'days_band_' || (SELECT max(i) FROM generate_subscripts(band_starts, 1) i
                                    WHERE band_starts[i] <= h.days),
                   h.n, h.key_sum
            FROM committee_days h
            WHERE h.party_id = party AND h.received_on BETWEEN from_date AND to_date
          )
          SELECT cells.metric, ckm_perturb(sum(cells.n)::bigint, sum(cells.key_sum)::bigint, k)
          FROM cells GROUP BY cells.metric;
        END $function$;
