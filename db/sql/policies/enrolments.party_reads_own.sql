CREATE POLICY party_reads_own ON public.enrolments AS PERMISSIVE FOR SELECT TO jointcode_app
USING (((( SELECT jc_role() AS jc_role) = 'party_admin'::text) AND (party_id = ( SELECT jc_party() AS jc_party))));
