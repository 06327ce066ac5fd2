CREATE POLICY owner_all ON public.scheduled_jobs AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
