CREATE TRIGGER checkpoints_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.checkpoints FOR EACH STATEMENT EXECUTE FUNCTION bump_public_epoch();
