CREATE OR REPLACE FUNCTION public.reporter_notified(report uuid, sent_status text, last boolean)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
          UPDATE reports SET notified_status = sent_status,
                             notify_sealed = CASE WHEN last THEN NULL ELSE notify_sealed END
          WHERE id = report AND notify_sealed IS NOT NULL
        $function$;
