CREATE POLICY owner_all ON public.checkpoint_cosignatures AS PERMISSIVE FOR ALL TO CURRENT_USER
USING (true)
WITH CHECK (true);
