CREATE OR REPLACE FUNCTION public.reports_webhooks()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            PERFORM webhook_enqueue(NEW.party_id, 'report.received', jsonb_build_object('report_id', NEW.id, 'node_id', translate(encode(convert_to('Report:' || NEW.id::text, 'UTF8'), 'base64'), '+/', '-_'), 'code', NEW.code, 'received_on', NEW.received_on, 'status', NEW.status, 'respondent_role', NEW.respondent_role, 'channel', NEW.channel, 'provisions', to_jsonb(NEW.provisions), 'forms_of_hate', to_jsonb(NEW.forms_of_hate), 'reporter_kind', NEW.reporter_kind, 'duplicate_of', NEW.duplicate_of), NULL);
          ELSIF NEW.party_id IS DISTINCT FROM OLD.party_id THEN
            PERFORM webhook_enqueue(NEW.party_id, 'report.transferred_in', jsonb_build_object('report_id', NEW.id, 'node_id', translate(encode(convert_to('Report:' || NEW.id::text, 'UTF8'), 'base64'), '+/', '-_'), 'code', NEW.code, 'received_on', NEW.received_on, 'status', NEW.status, 'respondent_role', NEW.respondent_role, 'channel', NEW.channel, 'provisions', to_jsonb(NEW.provisions), 'forms_of_hate', to_jsonb(NEW.forms_of_hate), 'reporter_kind', NEW.reporter_kind, 'duplicate_of', NEW.duplicate_of), NULL);
          ELSIF NEW.status = 'withdrawn' AND OLD.status <> 'withdrawn' THEN
            PERFORM webhook_enqueue(NEW.party_id, 'report.withdrawn', jsonb_build_object('report_id', NEW.id, 'node_id', translate(encode(convert_to('Report:' || NEW.id::text, 'UTF8'), 'base64'), '+/', '-_'), 'code', NEW.code, 'received_on', NEW.received_on, 'status', NEW.status, 'respondent_role', NEW.respondent_role, 'channel', NEW.channel, 'provisions', to_jsonb(NEW.provisions), 'forms_of_hate', to_jsonb(NEW.forms_of_hate), 'reporter_kind', NEW.reporter_kind, 'duplicate_of', NEW.duplicate_of), NULL);
          ELSIF NEW.sealed IS NOT NULL AND OLD.sealed IS NOT NULL
                AND NEW.sealed IS DISTINCT FROM OLD.sealed AND NEW.status = OLD.status THEN
            PERFORM webhook_enqueue(NEW.party_id, 'report.information_added', jsonb_build_object('report_id', NEW.id, 'node_id', translate(encode(convert_to('Report:' || NEW.id::text, 'UTF8'), 'base64'), '+/', '-_'), 'code', NEW.code, 'received_on', NEW.received_on, 'status', NEW.status, 'respondent_role', NEW.respondent_role, 'channel', NEW.channel, 'provisions', to_jsonb(NEW.provisions), 'forms_of_hate', to_jsonb(NEW.forms_of_hate), 'reporter_kind', NEW.reporter_kind, 'duplicate_of', NEW.duplicate_of),
                                    NULL);
          END IF;
          RETURN NULL;
        END $function$;
