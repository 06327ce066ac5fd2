CREATE POLICY owner_all ON public.audit_entries AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
