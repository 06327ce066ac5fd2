CREATE POLICY app_read_dates ON public.committee_editions AS PERMISSIVE FOR SELECT TO jointcode_app
USING (true);
