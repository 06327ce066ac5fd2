CREATE POLICY owner_all ON public.statistics_edition_cells AS PERMISSIVE FOR ALL TO CURRENT_USER
USING (true)
WITH CHECK (true);
