CREATE OR REPLACE FUNCTION public.jc_revoke_by_secret(secret text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          found uuid;
        BEGIN
          UPDATE tokens SET revoked_at = coalesce(revoked_at, now())
          WHERE token_hash = sha256(convert_to(secret, 'UTF8')) RETURNING id INTO found;
          RETURN found;
        END $function$;
