CREATE POLICY owner_all ON public.committee_editions AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
