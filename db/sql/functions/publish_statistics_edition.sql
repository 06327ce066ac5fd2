CREATE OR REPLACE FUNCTION public.publish_statistics_edition(wanted text, tables jsonb, hierarchy jsonb, k integer)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        DECLARE
          ends date;
        BEGIN
          IF wanted !~ '^[0-9]{4}-Q[1-4]$' THEN
            RAISE EXCEPTION 'an edition is a quarter such as 2026-Q3' USING ERRCODE = '22023';
          END IF;
          ends := (make_date(substr(wanted, 1, 4)::integer,
                             substr(wanted, 7, 1)::integer * 3, 1)
                   + interval '1 month - 1 day')::date;
          IF k IS NULL OR k < (SELECT max(r.k) FROM code_rules r) THEN
            RAISE EXCEPTION 'published counts keep the code''s k' USING ERRCODE = '42501';
          END IF;
          IF ends + (SELECT max(r.settling_days) FROM code_rules r) > current_date THEN
            RAISE EXCEPTION 'edition % is not due before %', wanted,
              ends + (SELECT max(r.settling_days) FROM code_rules r)
              USING ERRCODE = '42501';
          END IF;
          PERFORM pg_advisory_xact_lock(hashtextextended('statistics_editions', 0));
          IF EXISTS (SELECT 1 FROM statistics_editions e WHERE e.period_end >= ends) THEN
            RETURN NULL;  -- published already, or a later one is: never recomputed
          END IF;
          RETURN statistics_edition_unchecked(wanted, NULL, tables, hierarchy, k);
        END $function$;
