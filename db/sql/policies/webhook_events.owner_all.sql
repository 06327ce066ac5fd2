CREATE POLICY owner_all ON public.webhook_events AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
