CREATE POLICY owner_all ON public.webhook_events AS PERMISSIVE FOR ALL TO CURRENT_USER
USING (true)
WITH CHECK (true);
