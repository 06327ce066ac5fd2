CREATE POLICY own_party ON public.report_evidence AS PERMISSIVE FOR SELECT TO jointcode_app
USING ((party_id = ( SELECT jc_party() AS jc_party)));
