CREATE POLICY party_isolation ON public.release_previews AS PERMISSIVE FOR ALL TO public
USING ((party_id = ( SELECT jc_party() AS jc_party)))
WITH CHECK ((party_id = ( SELECT jc_party() AS jc_party)));
