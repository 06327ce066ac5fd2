CREATE TRIGGER tokens_stay_revoked BEFORE UPDATE ON public.tokens FOR EACH ROW EXECUTE FUNCTION tokens_stay_revoked();
