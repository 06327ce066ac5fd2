CREATE POLICY own_party_insert ON public.published_outcomes AS PERMISSIVE FOR INSERT TO public
WITH CHECK ((party_id = ( SELECT jc_party() AS jc_party)));
