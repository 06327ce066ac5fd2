CREATE OR REPLACE FUNCTION public.webhook_claim(max_count integer, lease_seconds integer)
 RETURNS TABLE(delivery_id bigint, message_id text, payload jsonb, url text, wrapped_secret bytea, party_id uuid, attempts integer)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          RETURN QUERY
          WITH due AS (
            SELECT d.id FROM webhook_deliveries d
            WHERE d.delivered_at IS NULL AND d.dead_at IS NULL AND d.next_attempt_at <= now()
            ORDER BY d.next_attempt_at, d.id
            LIMIT least(greatest(max_count, 1), 100)
            FOR UPDATE SKIP LOCKED
          ), leased AS (
            UPDATE webhook_deliveries d
            SET next_attempt_at = now()
              + make_interval(secs => least(greatest(lease_seconds, 5), 600))
            FROM due WHERE d.id = due.id
            RETURNING d.id, d.event_id, d.endpoint_id, d.party_id, d.attempts
          )
          SELECT l.id, ev.event_id, ev.payload, e.url, e.wrapped_secret, l.party_id, l.attempts
          FROM leased l JOIN webhook_events ev ON ev.id = l.event_id
          JOIN webhook_endpoints e ON e.id = l.endpoint_id
          WHERE e.disabled_at IS NULL;
        END $function$;
