CREATE OR REPLACE FUNCTION public.committee_period_sanctions_live(from_date date, to_date date, k integer, start_month integer)
 RETURNS TABLE(party_id uuid, severity integer, sanction text, value bigint)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$ BEGIN
          
  IF NOT (extract(day FROM from_date) = 1 AND (
       (extract(month FROM from_date)::int % 3 = 1
        AND to_date = (from_date + interval '3 months' - interval '1 day')::date)
       OR ((extract(month FROM from_date)::int IN (1, start_month))
        AND to_date = (from_date + interval '1 year' - interval '1 day')::date))) THEN
    RAISE EXCEPTION 'not a fixed reporting period: % to %', from_date, to_date
      USING ERRCODE = '22023';
  END IF;

          RETURN QUERY
          SELECT s.party_id, s.severity, s.sanction,
                 ckm_perturb(sum(s.n)::bigint, sum(s.key_sum)::bigint, k)
          FROM committee_sanctions s WHERE s.received_on BETWEEN from_date AND to_date
          GROUP BY GROUPING SETS ((s.party_id, s.severity, s.sanction), (s.party_id, s.severity),
                                  (s.severity, s.sanction), (s.severity));
        END $function$;
