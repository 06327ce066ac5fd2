CREATE POLICY owner_all ON public.scheduled_jobs AS PERMISSIVE FOR ALL TO CURRENT_USER
USING (true)
WITH CHECK (true);
