CREATE POLICY public_read ON public.statistics_editions AS PERMISSIVE FOR SELECT TO jointcode_app
USING (true);
