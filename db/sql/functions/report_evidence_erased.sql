CREATE OR REPLACE FUNCTION public.report_evidence_erased()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          DELETE FROM report_evidence WHERE report_id = NEW.id;
          RETURN NULL;
        END $function$;
