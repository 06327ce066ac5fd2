CREATE POLICY owner_all ON public.party_seal_keys AS PERMISSIVE FOR ALL TO CURRENT_USER
USING (true)
WITH CHECK (true);
