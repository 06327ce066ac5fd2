CREATE POLICY owner_all ON public.case_reads AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
