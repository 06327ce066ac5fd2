CREATE POLICY admin_changes ON public.webhook_endpoints AS PERMISSIVE FOR UPDATE TO jointcode_app
USING (((party_id = ( SELECT jc_party() AS jc_party)) AND (( SELECT jc_role() AS jc_role) = 'party_admin'::text)))
WITH CHECK ((party_id = ( SELECT jc_party() AS jc_party)));
