CREATE POLICY public_read ON public.report_statistics AS PERMISSIVE FOR SELECT TO jointcode_app
USING (true);
