CREATE TRIGGER party_sanctions_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.party_sanctions FOR EACH STATEMENT EXECUTE FUNCTION bump_public_epoch();
