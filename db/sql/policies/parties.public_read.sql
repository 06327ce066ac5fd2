CREATE POLICY public_read ON public.parties AS PERMISSIVE FOR SELECT TO public
USING (true);
