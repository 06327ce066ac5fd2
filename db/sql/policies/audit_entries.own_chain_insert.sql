CREATE POLICY own_chain_insert ON public.audit_entries AS PERMISSIVE FOR INSERT TO public
WITH CHECK (
CASE
    WHEN (party_id IS NULL) THEN (( SELECT jc_role() AS jc_role) IS NOT NULL)
    ELSE ((party_id = ( SELECT jc_party() AS jc_party)) OR ((( SELECT jc_role() AS jc_role) = 'admin'::text) AND (action = 'token.revoke'::text)) OR ((( SELECT jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])) AND (action = 'enrolment.create'::text)) OR ((( SELECT jc_role() AS jc_role) = 'committee'::text) AND (action = 'enrolment.approve'::text)))
END);
