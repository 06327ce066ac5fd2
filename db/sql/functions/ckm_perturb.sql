CREATE OR REPLACE FUNCTION public.ckm_perturb(n bigint, key_sum bigint, k integer)
 RETURNS bigint
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
          SELECT CASE
            WHEN n IS NULL OR n <= 0 THEN 0
            WHEN n < k THEN CASE WHEN ((key_sum % 256) + 0.5) * k < 256.0 * n THEN k ELSE 0 END
            ELSE greatest(k, n + CASE
              WHEN key_sum % 256 < 13 THEN -2 WHEN key_sum % 256 < 64 THEN -1
              WHEN key_sum % 256 < 192 THEN 0 WHEN key_sum % 256 < 243 THEN 1 ELSE 2 END)
          END
        $function$;
