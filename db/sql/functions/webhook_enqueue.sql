CREATE OR REPLACE FUNCTION public.webhook_enqueue(party uuid, kind text, data jsonb, key text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          new_id bigint;
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.party_id = party
                         AND e.disabled_at IS NULL
                         AND (e.event_types = '{}' OR kind = ANY(e.event_types))) THEN
            RETURN;
          END IF;
          INSERT INTO webhook_events (party_id, event_type, payload, dedupe)
          VALUES (party, kind, jsonb_build_object(
                    'type', kind,
                    'timestamp', to_char(now() AT TIME ZONE 'UTC',
                                         'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                    'data', data), key)
          ON CONFLICT (dedupe) DO NOTHING
          RETURNING id INTO new_id;
          IF new_id IS NULL THEN
            RETURN;  -- this deadline was told already
          END IF;
          INSERT INTO webhook_deliveries (event_id, endpoint_id, party_id)
          SELECT new_id, e.id, party FROM webhook_endpoints e
          WHERE e.party_id = party AND e.disabled_at IS NULL
            AND (e.event_types = '{}' OR kind = ANY(e.event_types));
        END $function$;
