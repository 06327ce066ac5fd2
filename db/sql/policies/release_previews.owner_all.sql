CREATE POLICY owner_all ON public.release_previews AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
