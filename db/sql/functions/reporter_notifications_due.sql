CREATE OR REPLACE FUNCTION public.reporter_notifications_due(max_count integer)
 RETURNS TABLE(id uuid, code text, notify_sealed bytea, notified_status text, status text, received_on date, received_at timestamp with time zone, decline_reason text, case_state text, sanction text, decided_on date, appeal_window_ends date, appeal_outcome text, appeal_sanction text, appeal_decided_on date, party_id uuid, has_contents boolean)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
          SELECT r.id, r.code, r.notify_sealed, r.notified_status, r.status, r.received_on,
                 r.received_at, r.decline_reason, c.state, c.sanction, c.decided_on,
                 c.appeal_window_ends, c.appeal_outcome, c.appeal_sanction,
                 c.appeal_decided_on, r.party_id, r.sealed IS NOT NULL
          FROM reports r LEFT JOIN cases c ON c.id = r.case_id
          WHERE r.notify_sealed IS NOT NULL
          ORDER BY r.received_at LIMIT least(greatest(max_count, 1), 1000)
        $function$;
