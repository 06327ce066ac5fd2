CREATE POLICY registry_delete ON public.party_sanctions AS PERMISSIVE FOR DELETE TO public
USING ((( SELECT jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])));
