CREATE TRIGGER cases_committee_on_update AFTER UPDATE ON public.cases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION committee_rollup_update();
