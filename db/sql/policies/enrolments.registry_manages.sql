CREATE POLICY registry_manages ON public.enrolments AS PERMISSIVE FOR ALL TO jointcode_app
USING ((( SELECT jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])))
WITH CHECK ((( SELECT jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])));
