CREATE POLICY owner_all ON public.checkpoint_cosignatures AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
