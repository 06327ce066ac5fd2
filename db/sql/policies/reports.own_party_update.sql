CREATE POLICY own_party_update ON public.reports AS PERMISSIVE FOR UPDATE TO jointcode_app
USING ((party_id = ( SELECT jc_party() AS jc_party)))
WITH CHECK ((party_id = ( SELECT jc_party() AS jc_party)));
