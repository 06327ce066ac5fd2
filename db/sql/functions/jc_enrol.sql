CREATE OR REPLACE FUNCTION public.jc_enrol(code text, token_hash bytea, display_prefix text, label text)
 RETURNS TABLE(token_id uuid, party_id uuid)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          e enrolments%ROWTYPE;
          new_id uuid;
        BEGIN
          SELECT * INTO e FROM enrolments
          WHERE code_hash = sha256(convert_to(code, 'UTF8')) AND used_at IS NULL
            AND expires_at > now()
          FOR UPDATE;
          IF NOT FOUND THEN
            RETURN;
          END IF;
          IF NOT EXISTS (SELECT 1 FROM audit_entries a
                         WHERE a.subject_ids @> ARRAY[e.id] AND a.party_id = e.party_id
                           AND a.action = 'enrolment.create') THEN
            RAISE EXCEPTION 'an enrolment the party was not told of opens nothing'
              USING ERRCODE = '42501';
          END IF;
          IF e.needs_consent AND e.approved_at IS NULL THEN
            RAISE EXCEPTION 'enrolment awaits consent' USING ERRCODE = '42501';
          END IF;
          INSERT INTO tokens (token_hash, display_prefix, label, role, party_id)
          VALUES (token_hash, display_prefix, label, 'party_admin', e.party_id)
          RETURNING id INTO new_id;
          UPDATE enrolments SET used_at = now(), token_id = new_id WHERE id = e.id;
          PERFORM jc_set_binding('party_admin', new_id, e.party_id);
          token_id := new_id;
          party_id := e.party_id;
          RETURN NEXT;
        END $function$;
