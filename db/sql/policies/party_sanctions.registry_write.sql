CREATE POLICY registry_write ON public.party_sanctions AS PERMISSIVE FOR INSERT TO public
WITH CHECK ((( SELECT jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])));
