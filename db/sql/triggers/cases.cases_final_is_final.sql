CREATE TRIGGER cases_final_is_final BEFORE UPDATE ON public.cases FOR EACH ROW EXECUTE FUNCTION cases_final_is_final();
