CREATE OR REPLACE FUNCTION public.cases_released_from_closed_years()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
        BEGIN
          IF NEW.release_id IS NOT NULL AND OLD.release_id IS NULL AND (
               NEW.state <> 'final' OR NOT NEW.tabulated OR NEW.finalised_on IS NULL
               OR NEW.finalised_on > coalesce(
                 (SELECT max(make_date(extract(year FROM e.period_end + 1)::int, 1, 1) - 1)
                  FROM statistics_editions e), '-infinity'::date)) THEN
            RAISE EXCEPTION 'a release holds final outcomes of closed, published years only'
              USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $function$;
