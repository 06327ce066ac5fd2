CREATE POLICY owner_all ON public.case_read_counts AS PERMISSIVE FOR ALL TO CURRENT_USER
USING (true)
WITH CHECK (true);
