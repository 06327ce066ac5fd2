CREATE TRIGGER statistics_editions_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.statistics_editions FOR EACH STATEMENT EXECUTE FUNCTION bump_public_epoch();
