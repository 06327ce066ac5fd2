CREATE POLICY admin_adds ON public.webhook_endpoints AS PERMISSIVE FOR INSERT TO jointcode_app
WITH CHECK (((party_id = ( SELECT jc_party() AS jc_party)) AND (( SELECT jc_role() AS jc_role) = 'party_admin'::text) AND (disabled_at IS NULL)));
