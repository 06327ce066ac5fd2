CREATE POLICY own_party ON public.case_read_counts AS PERMISSIVE FOR SELECT TO jointcode_app
USING ((party_id = ( SELECT jc_party() AS jc_party)));
