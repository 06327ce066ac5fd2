CREATE OR REPLACE FUNCTION public.jc_viewer(OUT role text, OUT token uuid, OUT party uuid)
 RETURNS record
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          binding text := current_setting('jointcode.binding', true);
          parts text[];
        BEGIN
          IF binding IS NULL OR binding = '' THEN
            RETURN;
          END IF;
          parts := string_to_array(binding, '|');
          IF cardinality(parts) <> 5 OR parts[4] <> jc_here()
             OR parts[5] <> jc_seal(array_to_string(parts[1:4], '|')) THEN
            RETURN;
          END IF;
          role := parts[1];
          token := NULLIF(parts[2], '')::uuid;
          party := NULLIF(parts[3], '')::uuid;
        END $function$;
