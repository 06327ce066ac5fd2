CREATE POLICY owner_all ON public.tokens AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
