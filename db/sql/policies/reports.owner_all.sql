CREATE POLICY owner_all ON public.reports AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
