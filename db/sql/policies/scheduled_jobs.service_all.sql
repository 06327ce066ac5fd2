CREATE POLICY service_all ON public.scheduled_jobs AS PERMISSIVE FOR ALL TO jointcode_app
USING (true)
WITH CHECK (true);
