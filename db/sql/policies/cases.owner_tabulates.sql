CREATE POLICY owner_tabulates ON public.cases AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
