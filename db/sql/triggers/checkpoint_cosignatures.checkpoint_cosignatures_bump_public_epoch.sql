CREATE TRIGGER checkpoint_cosignatures_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.checkpoint_cosignatures FOR EACH STATEMENT EXECUTE FUNCTION bump_public_epoch();
