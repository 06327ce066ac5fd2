CREATE TRIGGER releases_open_for_records AFTER INSERT ON public.releases FOR EACH ROW EXECUTE FUNCTION releases_open_for_records();
