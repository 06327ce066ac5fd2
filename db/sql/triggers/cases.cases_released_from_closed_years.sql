CREATE TRIGGER cases_released_from_closed_years BEFORE UPDATE OF release_id ON public.cases FOR EACH ROW EXECUTE FUNCTION cases_released_from_closed_years();
