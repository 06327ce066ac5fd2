CREATE TRIGGER party_code_adoptions_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.party_code_adoptions FOR EACH STATEMENT EXECUTE FUNCTION bump_public_epoch();
