CREATE OR REPLACE FUNCTION public.enrolments_need_consent()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          NEW.needs_consent := EXISTS (SELECT 1 FROM tokens t
                                       WHERE t.party_id = NEW.party_id
                                         AND t.role = 'party_admin');
          NEW.approved_at := NULL;
          NEW.approved_by := NULL;
          NEW.used_at := NULL;
          NEW.token_id := NULL;
          RETURN NEW;
        END $function$;
