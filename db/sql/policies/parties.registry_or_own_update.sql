CREATE POLICY registry_or_own_update ON public.parties AS PERMISSIVE FOR UPDATE TO public
USING (((( SELECT jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])) OR (id = ( SELECT jc_party() AS jc_party))));
