CREATE POLICY owner_all ON public.report_statistics AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
