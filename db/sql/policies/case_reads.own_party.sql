CREATE POLICY own_party ON public.case_reads AS PERMISSIVE FOR ALL TO jointcode_app
USING ((party_id = ( SELECT jc_party() AS jc_party)))
WITH CHECK ((party_id = ( SELECT jc_party() AS jc_party)));
