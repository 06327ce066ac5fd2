CREATE POLICY public_read ON public.checkpoint_cosignatures AS PERMISSIVE FOR SELECT TO jointcode_app
USING (true);
