CREATE POLICY committee_cosigns ON public.checkpoint_cosignatures AS PERMISSIVE FOR INSERT TO jointcode_app
WITH CHECK ((( SELECT jc_role() AS jc_role) = 'committee'::text));
