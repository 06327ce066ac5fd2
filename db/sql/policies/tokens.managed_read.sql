CREATE POLICY managed_read ON public.tokens AS PERMISSIVE FOR SELECT TO jointcode_app
USING (((( SELECT jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])) OR ((( SELECT jc_role() AS jc_role) = 'party_admin'::text) AND (party_id = ( SELECT jc_party() AS jc_party))) OR (id = ( SELECT jc_viewer.token
   FROM jc_viewer() jc_viewer(role, token, party)))));
