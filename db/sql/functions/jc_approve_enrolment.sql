CREATE OR REPLACE FUNCTION public.jc_approve_enrolment(enrolment uuid)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          e enrolments%ROWTYPE;
          viewer record;
        BEGIN
          SELECT * INTO viewer FROM jc_viewer();
          SELECT * INTO e FROM enrolments
          WHERE id = enrolment AND used_at IS NULL AND expires_at > now() AND needs_consent
          FOR UPDATE;
          IF NOT FOUND OR NOT (
               (viewer.role = 'party_admin' AND viewer.party = e.party_id)
               OR viewer.role = 'committee') THEN
            RETURN NULL;  -- not found, not yours, or not needing consent: alike
          END IF;
          IF e.approved_at IS NULL THEN
            UPDATE enrolments SET approved_at = now(),
                                  approved_by = viewer.role || ':' || viewer.token
            WHERE id = e.id;
          END IF;
          RETURN e.party_id;
        END $function$;
