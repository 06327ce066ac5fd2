CREATE OR REPLACE FUNCTION public.webhook_record(delivery bigint, ok boolean, status integer, error text, retry_at timestamp with time zone, dead boolean)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
          UPDATE webhook_deliveries SET
            attempts = attempts + 1,
            last_status = status,
            last_error = left(error, 500),
            delivered_at = CASE WHEN ok THEN now() END,
            dead_at = CASE WHEN NOT ok AND dead THEN now() END,
            next_attempt_at = CASE WHEN ok OR dead THEN next_attempt_at
                                   ELSE greatest(retry_at, now()) END
          WHERE id = delivery AND delivered_at IS NULL AND dead_at IS NULL
        $function$;
