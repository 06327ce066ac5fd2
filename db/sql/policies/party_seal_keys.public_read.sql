CREATE POLICY public_read ON public.party_seal_keys AS PERMISSIVE FOR SELECT TO jointcode_app
USING (true);
