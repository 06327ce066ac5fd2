CREATE POLICY own_chain_read ON public.audit_entries AS PERMISSIVE FOR SELECT TO public
USING (
CASE
    WHEN (party_id IS NULL) THEN (( SELECT jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text]))
    ELSE (party_id = ( SELECT jc_party() AS jc_party))
END);
