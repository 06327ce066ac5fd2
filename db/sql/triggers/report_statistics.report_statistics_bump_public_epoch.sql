CREATE TRIGGER report_statistics_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.report_statistics FOR EACH STATEMENT EXECUTE FUNCTION bump_public_epoch();
