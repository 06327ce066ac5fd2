CREATE POLICY public_read ON public.statistics_edition_cells AS PERMISSIVE FOR SELECT TO jointcode_app
USING (true);
