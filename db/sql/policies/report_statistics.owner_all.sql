CREATE POLICY owner_all ON public.report_statistics AS PERMISSIVE FOR ALL TO CURRENT_USER
USING (true)
WITH CHECK (true);
