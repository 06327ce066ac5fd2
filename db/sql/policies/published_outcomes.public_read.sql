CREATE POLICY public_read ON public.published_outcomes AS PERMISSIVE FOR SELECT TO public
USING (true);
