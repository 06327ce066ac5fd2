CREATE POLICY owner_all ON public.party_seal_keys AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
