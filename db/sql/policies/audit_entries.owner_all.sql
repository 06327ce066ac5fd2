CREATE POLICY owner_all ON public.audit_entries AS PERMISSIVE FOR ALL TO CURRENT_USER
USING (true)
WITH CHECK (true);
