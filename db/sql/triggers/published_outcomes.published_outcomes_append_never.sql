CREATE TRIGGER published_outcomes_append_never BEFORE INSERT OR DELETE OR UPDATE ON public.published_outcomes FOR EACH ROW EXECUTE FUNCTION published_outcomes_append_never();
