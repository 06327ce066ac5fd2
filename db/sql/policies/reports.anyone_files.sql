CREATE POLICY anyone_files ON public.reports AS PERMISSIVE FOR INSERT TO jointcode_app
WITH CHECK (((status = 'received'::text) AND (case_id IS NULL) AND (transfers = 0)));
