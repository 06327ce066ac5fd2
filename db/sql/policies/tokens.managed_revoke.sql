CREATE POLICY managed_revoke ON public.tokens AS PERMISSIVE FOR UPDATE TO jointcode_app
USING (((( SELECT jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])) OR ((( SELECT jc_role() AS jc_role) = 'party_admin'::text) AND (party_id = ( SELECT jc_party() AS jc_party)))))
WITH CHECK ((revoked_at IS NOT NULL));
