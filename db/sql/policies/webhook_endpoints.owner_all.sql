CREATE POLICY owner_all ON public.webhook_endpoints AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
