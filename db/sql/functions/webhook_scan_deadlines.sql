CREATE OR REPLACE FUNCTION public.webhook_scan_deadlines(warn_days integer, triage_days integer)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          r record;
          n integer := 0;
          today date := (now() AT TIME ZONE 'Europe/London')::date;
        BEGIN
          IF warn_days NOT BETWEEN 0 AND 30 OR triage_days NOT BETWEEN 1 AND 365 THEN
            RAISE EXCEPTION 'deadline windows out of range' USING ERRCODE = '22023';
          END IF;
          FOR r IN SELECT rp.*, rp.received_on + triage_days AS due FROM reports rp
                   WHERE rp.status = 'received'
                     AND rp.received_on + triage_days <= today + warn_days
                     AND EXISTS (SELECT 1 FROM webhook_endpoints e
                                 WHERE e.party_id = rp.party_id AND e.disabled_at IS NULL)
          LOOP
            PERFORM webhook_enqueue(
              r.party_id,
              CASE WHEN r.due < today THEN 'report.overdue' ELSE 'report.deadline_approaching' END,
              jsonb_build_object('report_id', r.id, 'node_id', translate(encode(convert_to('Report:' || r.id::text, 'UTF8'), 'base64'), '+/', '-_'),
                                 'code', r.code, 'step', 'triage', 'due_on', r.due),
              CASE WHEN r.due < today THEN 'report.overdue:' ELSE 'report.approaching:' END
                || r.id || ':' || r.due);
            n := n + 1;
          END LOOP;
          FOR r IN SELECT c.id, c.party_id, c.reference, d.step, d.due FROM cases c,
                   LATERAL (SELECT s.step, s.due FROM (VALUES
                     ('acknowledge',
                      CASE WHEN c.acknowledged_on IS NULL THEN c.acknowledge_due END),
                     ('triage', CASE WHEN c.state = 'received' THEN c.triage_due END),
                     ('decide', CASE WHEN c.state IN ('triaged', 'under_assessment')
                                     THEN c.decide_due END),
                     ('decide_appeal', CASE WHEN c.state = 'appealed'
                                            THEN c.appeal_decide_due END)) AS s(step, due)
                     WHERE s.due IS NOT NULL ORDER BY s.due LIMIT 1) d
                   WHERE d.due <= today + warn_days
                     AND EXISTS (SELECT 1 FROM webhook_endpoints e
                                 WHERE e.party_id = c.party_id AND e.disabled_at IS NULL)
          LOOP
            PERFORM webhook_enqueue(
              r.party_id,
              CASE WHEN r.due < today THEN 'case.overdue' ELSE 'case.deadline_approaching' END,
              jsonb_build_object('case_id', r.id, 'node_id',
                                 translate(encode(convert_to('Case:' || r.id::text, 'UTF8'),
                                                  'base64'), '+/', '-_'),
                                 'reference', r.reference, 'step', r.step, 'due_on', r.due),
              CASE WHEN r.due < today THEN 'case.overdue:' ELSE 'case.approaching:' END
                || r.id || ':' || r.step || ':' || r.due);
            n := n + 1;
          END LOOP;
          RETURN n;
        END $function$;
