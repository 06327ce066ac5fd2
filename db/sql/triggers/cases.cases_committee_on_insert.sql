CREATE TRIGGER cases_committee_on_insert AFTER INSERT ON public.cases REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION committee_rollup_insert();
