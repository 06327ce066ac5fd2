CREATE POLICY owner_all ON public.statistics_edition_cells AS PERMISSIVE FOR ALL TO postgres
USING (true)
WITH CHECK (true);
