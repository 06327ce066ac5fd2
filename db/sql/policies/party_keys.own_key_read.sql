CREATE POLICY own_key_read ON public.party_keys AS PERMISSIVE FOR SELECT TO public
USING ((party_id = ( SELECT jc_party() AS jc_party)));
