CREATE POLICY public_read ON public.releases AS PERMISSIVE FOR SELECT TO public
USING (true);
