CREATE TRIGGER releases_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.releases FOR EACH STATEMENT EXECUTE FUNCTION bump_public_epoch();
