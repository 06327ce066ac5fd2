CREATE TRIGGER report_evidence_erased AFTER UPDATE OF sealed ON public.reports FOR EACH ROW WHEN (((old.sealed IS NOT NULL) AND (new.sealed IS NULL))) EXECUTE FUNCTION report_evidence_erased();
