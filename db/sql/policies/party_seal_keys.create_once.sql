CREATE POLICY create_once ON public.party_seal_keys AS PERMISSIVE FOR INSERT TO jointcode_app
WITH CHECK (true);
