CREATE POLICY committee_reads_awaiting ON public.enrolments AS PERMISSIVE FOR SELECT TO jointcode_app
USING (((( SELECT jc_role() AS jc_role) = 'committee'::text) AND needs_consent));
