CREATE TRIGGER enrolments_need_consent BEFORE INSERT ON public.enrolments FOR EACH ROW EXECUTE FUNCTION enrolments_need_consent();
