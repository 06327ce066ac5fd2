CREATE POLICY owner_all ON public.release_previews AS PERMISSIVE FOR ALL TO CURRENT_USER
USING (true)
WITH CHECK (true);
