CREATE POLICY owner_all ON public.enrolments AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
