CREATE OR REPLACE FUNCTION public.jc_set_binding(role text, token uuid, party uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          payload text := concat_ws('|', role, coalesce(token::text, ''),
                                    coalesce(party::text, ''), jc_here());
        BEGIN
          PERFORM set_config('jointcode.binding', payload || '|' || jc_seal(payload), true);
        END $function$;
