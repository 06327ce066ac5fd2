CREATE OR REPLACE FUNCTION public.webhook_redeliver(delivery bigint)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          IF jc_role() NOT IN ('officer', 'party_admin') THEN
            RAISE EXCEPTION 'redelivery is for a party''s officers' USING ERRCODE = '42501';
          END IF;
          UPDATE webhook_deliveries SET dead_at = NULL, delivered_at = NULL, attempts = 0,
                                        next_attempt_at = now(), last_error = NULL
            WHERE id = delivery AND party_id = jc_party();
          RETURN FOUND;
        END $function$;
