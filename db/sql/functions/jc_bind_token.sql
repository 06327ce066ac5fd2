CREATE OR REPLACE FUNCTION public.jc_bind_token(secret text)
 RETURNS TABLE(token_id uuid, role text, party_id uuid)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          t tokens%ROWTYPE;
        BEGIN
          SELECT * INTO t FROM tokens
          WHERE token_hash = sha256(convert_to(secret, 'UTF8')) AND revoked_at IS NULL
            AND (expires_at IS NULL OR expires_at > now());
          IF NOT FOUND THEN
            PERFORM set_config('jointcode.binding', '', true);
            RETURN;
          END IF;
          IF t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute' THEN
            UPDATE tokens SET last_used_at = now() WHERE id = t.id;
          END IF;
          PERFORM jc_set_binding(t.role, t.id, t.party_id);
          token_id := t.id;
          role := t.role;
          party_id := t.party_id;
          RETURN NEXT;
        END $function$;
