CREATE TRIGGER reports_webhooks AFTER INSERT OR UPDATE ON public.reports FOR EACH ROW EXECUTE FUNCTION reports_webhooks();
