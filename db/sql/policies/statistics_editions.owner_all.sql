CREATE POLICY owner_all ON public.statistics_editions AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
