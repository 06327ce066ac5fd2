CREATE OR REPLACE FUNCTION public.publish_report_statistics_edition(wanted text, tables jsonb, families jsonb, groups jsonb, characteristics jsonb, elections jsonb, k integer)
 RETURNS boolean
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
          
          ends := (make_date(substr(wanted, 1, 4)::integer, substr(wanted, 7, 1)::integer * 3, 1)
                   + interval '1 month - 1 day')::date;

          IF ends + (SELECT max(r.settling_days) FROM code_rules r) > current_date THEN
            RAISE EXCEPTION 'edition % is not due before %', wanted,
              ends + (SELECT max(r.settling_days) FROM code_rules r) USING ERRCODE = '42501';
          END IF;
          PERFORM pg_advisory_xact_lock(hashtextextended('report_statistics_editions', 0));
          RETURN report_statistics_edition_unchecked(wanted, tables, families, groups,
                                                     characteristics, elections, k);
        END $function$;
