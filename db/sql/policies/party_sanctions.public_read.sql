CREATE POLICY public_read ON public.party_sanctions AS PERMISSIVE FOR SELECT TO public
USING (true);
