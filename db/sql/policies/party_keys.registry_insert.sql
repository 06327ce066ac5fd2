CREATE POLICY registry_insert ON public.party_keys AS PERMISSIVE FOR INSERT TO public
WITH CHECK ((( SELECT jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])));
