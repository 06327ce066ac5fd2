CREATE TRIGGER parties_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.parties FOR EACH STATEMENT EXECUTE FUNCTION bump_public_epoch();
