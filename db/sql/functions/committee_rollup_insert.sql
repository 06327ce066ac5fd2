CREATE OR REPLACE FUNCTION public.committee_rollup_insert()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
            BEGIN
              
      INSERT INTO committee_counts AS t (party_id, received_on, state, decided, on_time, appealed, published, n, key_sum)
      SELECT party_id, received_on, state, decided, on_time, appealed, published, sum(delta), sum(delta * record_key)
      FROM (
  SELECT r.party_id, r.received_on, r.state, r.decided_on IS NOT NULL AS decided,
         coalesce(r.decided_on <= r.decide_due, false) AS on_time,
         r.appeal_lodged_on IS NOT NULL AS appealed, r.release_id IS NOT NULL AS published,
         r.record_key
, 1 AS delta FROM new_rows r WHERE true) AS d
      GROUP BY party_id, received_on, state, decided, on_time, appealed, published HAVING sum(delta) <> 0 OR sum(delta * record_key) <> 0
      ON CONFLICT (party_id, received_on, state, decided, on_time, appealed, published)
      DO UPDATE SET n = t.n + EXCLUDED.n, key_sum = t.key_sum + EXCLUDED.key_sum;
    
      INSERT INTO committee_days AS t (party_id, received_on, days, n, key_sum)
      SELECT party_id, received_on, days, sum(delta), sum(delta * record_key)
      FROM (
  SELECT r.party_id, r.received_on, r.decided_on - r.received_on AS days, r.record_key
, 1 AS delta FROM new_rows r WHERE r.decided_on IS NOT NULL) AS d
      GROUP BY party_id, received_on, days HAVING sum(delta) <> 0 OR sum(delta * record_key) <> 0
      ON CONFLICT (party_id, received_on, days)
      DO UPDATE SET n = t.n + EXCLUDED.n, key_sum = t.key_sum + EXCLUDED.key_sum;
    
      INSERT INTO committee_due AS t (party_id, received_on, next_due, n, key_sum)
      SELECT party_id, received_on, next_due, sum(delta), sum(delta * record_key)
      FROM (
  SELECT r.party_id, r.received_on,
         CASE WHEN r.state = 'appealed' THEN r.appeal_decide_due
              ELSE least(
                CASE WHEN r.acknowledged_on IS NULL THEN r.acknowledge_due END,
                CASE WHEN r.state = 'received' THEN r.triage_due END,
                r.decide_due) END AS next_due, r.record_key
, 1 AS delta FROM new_rows r WHERE r.state IN ('received', 'triaged', 'under_assessment') OR r.state = 'appealed') AS d
      GROUP BY party_id, received_on, next_due HAVING sum(delta) <> 0 OR sum(delta * record_key) <> 0
      ON CONFLICT (party_id, received_on, next_due)
      DO UPDATE SET n = t.n + EXCLUDED.n, key_sum = t.key_sum + EXCLUDED.key_sum;
    
      INSERT INTO committee_sanctions AS t (party_id, received_on, severity, sanction, n, key_sum)
      SELECT party_id, received_on, severity, sanction, sum(delta), sum(delta * record_key)
      FROM (
  SELECT r.party_id, r.received_on, r.severity_level AS severity,
         CASE WHEN r.appeal_outcome IN ('varied', 'overturned') THEN r.appeal_sanction
              ELSE r.sanction END AS sanction, r.record_key
, 1 AS delta FROM new_rows r WHERE r.decided_on IS NOT NULL AND r.severity_level IS NOT NULL) AS d
      GROUP BY party_id, received_on, severity, sanction HAVING sum(delta) <> 0 OR sum(delta * record_key) <> 0
      ON CONFLICT (party_id, received_on, severity, sanction)
      DO UPDATE SET n = t.n + EXCLUDED.n, key_sum = t.key_sum + EXCLUDED.key_sum;
    
              RETURN NULL;
            END $function$;
