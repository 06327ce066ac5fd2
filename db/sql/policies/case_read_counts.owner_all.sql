CREATE POLICY owner_all ON public.case_read_counts AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
