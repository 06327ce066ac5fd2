"""Public statistics are editions of closed quarters on a calendar, not a live view.

The tables were recomputed whenever a party published, from every outcome so far. Cell
keys keep one answer safe, but a table recomputed after a release could be compared with
the one before it. The difference then showed each new outcome's attributes, even when
the release had held the outcome back. Now:

- An outcome counts in the quarter (and year) in which it became final (``finalised_on``).
  Nothing is ever added to a closed period.
- The tables are computed once per closed quarter, as the **edition** of that quarter.
  That happens on a date fixed in advance: the quarter's end plus the code's
  ``settling_days``, recorded in ``code_rules``. An edition's tables hold quarters up to
  its own, years only once they have closed, and "all time" as every closed year.
  Nothing about an open period appears in any of them. Between two editions of one year
  only the quarter tables gain the new quarter; at a year's end the year and all-time
  tables gain that year, which its year tables publish anyway.
- ``publish_statistics_edition`` (the service's scheduled job) computes an edition only
  when it is due and not yet published, whoever calls it. A revision (a new computation
  of a published edition, with its reason) is the operator's alone, and the old one is
  kept. Every edition's cells stay readable (``statistics_edition_cells``);
  ``statistics_cells`` holds the newest, for lookup.
- A party's release no longer changes any table.
- Group disclosure: in a table of sanctions (or sanction bands), a row (cells equal in
  every other value) whose outcomes show fewer than the code's l sanctions is withheld
  whole. Otherwise the row would tell anyone who knows a case is in it what its sanction
  was. This is the tables' counterpart of the releases' l-diversity.
- Metadata reveals nothing the cells hide. Each edition records only each table's share
  of cells published, rounded to 5%. It records no count of cells or hidden cells, and no
  noise.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""

from alembic import op

from migrations.sql import APP, DEFINER, execute_each

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

# The base of every table as of an edition's end: final outcomes by the quarter they
# became final in; a year only once it has closed.
BASE = """
          CREATE TEMP TABLE jc_base ON COMMIT DROP AS
          SELECT c.party_id, c.record_key,
                 CASE WHEN make_date(extract(year FROM c.finalised_on)::integer, 12, 31)
                           <= ends
                      THEN extract(year FROM c.finalised_on)::integer END AS year,
                 to_char(c.finalised_on, 'YYYY-"Q"Q') AS quarter,
                 c.provisions,
                 ARRAY(SELECT DISTINCT h.v -> 'family' ->> p FROM unnest(c.provisions) p
                       WHERE h.v -> 'family' ->> p IS NOT NULL) AS families,
                 c.forms_of_hate, c.characteristics, c.channel,
                 h.v -> 'channel_group' ->> c.channel AS channel_group,
                 c.respondent_role,
                 h.v -> 'respondent_role_group' ->> c.respondent_role AS respondent_role_group,
                 c.severity_level AS severity,
                 s.sanction,
                 h.v -> 'sanction_band' ->> s.sanction AS sanction_band
          FROM cases c
          CROSS JOIN LATERAL (SELECT hierarchy -> c.code_version AS v) h
          CROSS JOIN LATERAL (SELECT CASE WHEN c.appeal_outcome IN ('varied', 'overturned')
                                          THEN c.appeal_sanction ELSE c.sanction END AS sanction) s
          WHERE c.state = 'final' AND c.finalised_on <= ends
            AND c.decided_on IS NOT NULL;
"""

CELLS = """
          CREATE TEMP TABLE jc_cells (table_id text, party_id uuid, cell jsonb, n bigint,
                                      key_sum bigint, withheld boolean DEFAULT false)
            ON COMMIT DROP;
          FOR t IN SELECT * FROM jsonb_to_recordset(tables) AS x(id text, dimensions text[]) LOOP
            sources := 'pg_temp.jc_base b';
            pairs := '';
            keys := '';
            conditions := 'true';
            party_key := 'NULL::uuid';
            FOREACH d IN ARRAY t.dimensions LOOP
              IF d = 'party' THEN
                party_key := 'b.party_id';
                keys := keys || ', b.party_id';
                CONTINUE;
              ELSIF d IN ('provision', 'family', 'form_of_hate', 'characteristic') THEN
                sources := sources || format(' CROSS JOIN LATERAL unnest(b.%I) AS %I(v)',
                  CASE d WHEN 'provision' THEN 'provisions' WHEN 'family' THEN 'families'
                         WHEN 'form_of_hate' THEN 'forms_of_hate' ELSE 'characteristics' END,
                  'u_' || d);
                expr := format('%I.v', 'u_' || d);
              ELSIF d IN ('year', 'quarter', 'channel', 'channel_group', 'respondent_role',
                          'respondent_role_group', 'severity', 'sanction', 'sanction_band') THEN
                expr := format('b.%I', d);
              ELSE
                RAISE EXCEPTION 'unknown dimension %', d USING ERRCODE = '22023';
              END IF;
              pairs := pairs || CASE WHEN pairs = '' THEN '' ELSE ', ' END
                             || format('%L, %s', d, expr);
              keys := keys || ', ' || expr;
              conditions := conditions || format(' AND %s IS NOT NULL', expr);
            END LOOP;
            IF NOT ('year' = ANY(t.dimensions) OR 'quarter' = ANY(t.dimensions)) THEN
              -- all time is every closed year: between two editions of one year it stays
              -- still, and a year's change is that year's own tables
              conditions := conditions || ' AND b.year IS NOT NULL';
            END IF;
            EXECUTE format(
              'INSERT INTO pg_temp.jc_cells SELECT %L, %s, jsonb_build_object(%s), count(*), '
              'sum(b.record_key) FROM %s WHERE %s %s HAVING count(*) > 0',
              t.id, party_key, pairs, sources, conditions,
              CASE WHEN keys = '' THEN '' ELSE 'GROUP BY ' || substr(keys, 3) END);
          END LOOP;
          -- group disclosure: in a table of sanctions, a row (equal in every other value)
          -- whose outcomes show fewer than l sanctions or bands would tell anyone who knows
          -- a case is in it what its sanction was; the whole row is withheld
          UPDATE pg_temp.jc_cells c SET withheld = true
          FROM (SELECT x.table_id, x.party_id, x.cell - 'sanction' - 'sanction_band' AS rest
                FROM pg_temp.jc_cells x WHERE x.cell ? 'sanction' OR x.cell ? 'sanction_band'
                GROUP BY 1, 2, 3
                HAVING count(*) < (SELECT max(r.l_diversity) FROM code_rules r)) h
          WHERE c.table_id = h.table_id AND c.party_id IS NOT DISTINCT FROM h.party_id
            AND (c.cell ? 'sanction' OR c.cell ? 'sanction_band')
            AND c.cell - 'sanction' - 'sanction_band' = h.rest;
"""


def upgrade() -> None:
    execute_each(
        f"""
        ALTER TABLE code_rules ADD COLUMN settling_days integer NOT NULL DEFAULT 42
          CHECK (settling_days BETWEEN 0 AND 366);
        CREATE TABLE statistics_editions (
          id bigserial PRIMARY KEY,
          edition text NOT NULL CHECK (edition ~ '^[0-9]{{4}}-Q[1-4]$'),
          revision integer NOT NULL DEFAULT 1,
          period_end date NOT NULL,
          publishes_on date NOT NULL,
          computed_at timestamptz NOT NULL DEFAULT now(),
          reason text,
          tables jsonb NOT NULL,
          UNIQUE (edition, revision)
        );
        CREATE TABLE statistics_edition_cells (
          edition_id bigint NOT NULL REFERENCES statistics_editions (id),
          table_id text NOT NULL,
          party_id uuid REFERENCES parties (id),
          cell jsonb NOT NULL,
          count integer NOT NULL CHECK (count > 0)
        );
        CREATE INDEX ix_edition_cells ON statistics_edition_cells (edition_id, table_id, party_id);
        ALTER TABLE statistics_editions ENABLE ROW LEVEL SECURITY;
        ALTER TABLE statistics_editions FORCE ROW LEVEL SECURITY;
        CREATE POLICY owner_all ON statistics_editions TO CURRENT_USER USING (true)
          WITH CHECK (true);
        CREATE POLICY public_read ON statistics_editions FOR SELECT TO {APP} USING (true);
        ALTER TABLE statistics_edition_cells ENABLE ROW LEVEL SECURITY;
        ALTER TABLE statistics_edition_cells FORCE ROW LEVEL SECURITY;
        CREATE POLICY owner_all ON statistics_edition_cells TO CURRENT_USER USING (true)
          WITH CHECK (true);
        CREATE POLICY public_read ON statistics_edition_cells FOR SELECT TO {APP} USING (true);
        REVOKE ALL ON statistics_editions, statistics_edition_cells FROM PUBLIC, {APP};
        GRANT SELECT ON statistics_editions, statistics_edition_cells TO {APP};
        CREATE TRIGGER statistics_editions_bump_public_epoch AFTER INSERT OR UPDATE OR DELETE
          ON statistics_editions FOR EACH STATEMENT EXECUTE FUNCTION bump_public_epoch();
        DELETE FROM statistics_cells;
        DELETE FROM statistics_tables;
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION statistics_edition_unchecked(wanted text, reason text, tables jsonb,
                                                     hierarchy jsonb, k integer) RETURNS bigint
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        DECLARE
          t record;
          d text;
          expr text;
          sources text;
          pairs text;
          keys text;
          conditions text;
          party_key text;
          ends date;
          newest statistics_editions%ROWTYPE;
          made bigint;
        BEGIN
          IF wanted !~ '^[0-9]{{4}}-Q[1-4]$' THEN
            RAISE EXCEPTION 'an edition is a quarter such as 2026-Q3' USING ERRCODE = '22023';
          END IF;
          IF k IS NULL OR k < (SELECT max(r.k) FROM code_rules r) THEN
            RAISE EXCEPTION 'published counts keep the code''s k' USING ERRCODE = '42501';
          END IF;
          ends := (make_date(substr(wanted, 1, 4)::integer,
                             substr(wanted, 7, 1)::integer * 3, 1)
                   + interval '1 month - 1 day')::date;
          SELECT * INTO newest FROM statistics_editions e
            ORDER BY e.period_end DESC, e.revision DESC LIMIT 1;
          IF newest.period_end > ends THEN
            RAISE EXCEPTION 'edition % is older than the newest, %', wanted, newest.edition
              USING ERRCODE = '22023';
          END IF;
          IF newest.edition = wanted AND reason IS NULL THEN
            RETURN NULL;  -- published already; a revision needs its reason
          END IF;
          UPDATE cases SET tabulated = true
          WHERE state = 'final' AND finalised_on <= ends AND NOT tabulated;
          DROP TABLE IF EXISTS pg_temp.jc_base, pg_temp.jc_cells;
          {BASE}
          {CELLS}
          INSERT INTO statistics_editions (edition, revision, period_end, publishes_on, reason,
                                           tables)
          SELECT wanted,
                 coalesce((SELECT max(e.revision) FROM statistics_editions e
                           WHERE e.edition = wanted), 0) + 1,
                 ends,
                 ends + (SELECT max(r.settling_days) FROM code_rules r),
                 reason,
                 coalesce(jsonb_object_agg(x.id, jsonb_build_object(
                   'published_share',
                   CASE WHEN x.cells = 0 THEN NULL
                        ELSE round(x.published::numeric / x.cells * 20) / 20 END)), '{{}}')
          FROM (SELECT x.id, count(c.n) AS cells,
                       count(c.n) FILTER (WHERE NOT c.withheld
                                          AND ckm_perturb(c.n, c.key_sum, k) > 0) AS published
                FROM jsonb_to_recordset(tables) AS x(id text, dimensions text[])
                LEFT JOIN pg_temp.jc_cells c ON c.table_id = x.id
                GROUP BY x.id) x
          RETURNING id INTO made;
          INSERT INTO statistics_edition_cells (edition_id, table_id, party_id, cell, count)
          SELECT made, c.table_id, c.party_id, c.cell, ckm_perturb(c.n, c.key_sum, k)
          FROM pg_temp.jc_cells c WHERE NOT c.withheld AND ckm_perturb(c.n, c.key_sum, k) > 0;
          DELETE FROM statistics_cells;
          DELETE FROM statistics_tables;
          INSERT INTO statistics_tables (id, dimensions, cells, published_cells,
                                         mean_abs_perturbation, computed_at)
          SELECT x.id, x.dimensions, 0, 0, 0, now()
          FROM jsonb_to_recordset(tables) AS x(id text, dimensions text[]);
          INSERT INTO statistics_cells (table_id, party_id, cell, count)
          SELECT table_id, party_id, cell, count FROM statistics_edition_cells
          WHERE edition_id = made;
          DROP TABLE pg_temp.jc_base, pg_temp.jc_cells;
          RETURN made;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION publish_statistics_edition(wanted text, tables jsonb, hierarchy jsonb,
                                                   k integer) RETURNS bigint
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        DECLARE
          ends date;
        BEGIN
          IF wanted !~ '^[0-9]{{4}}-Q[1-4]$' THEN
            RAISE EXCEPTION 'an edition is a quarter such as 2026-Q3' USING ERRCODE = '22023';
          END IF;
          ends := (make_date(substr(wanted, 1, 4)::integer,
                             substr(wanted, 7, 1)::integer * 3, 1)
                   + interval '1 month - 1 day')::date;
          IF k IS NULL OR k < (SELECT max(r.k) FROM code_rules r) THEN
            RAISE EXCEPTION 'published counts keep the code''s k' USING ERRCODE = '42501';
          END IF;
          IF ends + (SELECT max(r.settling_days) FROM code_rules r) > current_date THEN
            RAISE EXCEPTION 'edition % is not due before %', wanted,
              ends + (SELECT max(r.settling_days) FROM code_rules r)
              USING ERRCODE = '42501';
          END IF;
          PERFORM pg_advisory_xact_lock(hashtextextended('statistics_editions', 0));
          IF EXISTS (SELECT 1 FROM statistics_editions e WHERE e.period_end >= ends) THEN
            RETURN NULL;  -- published already, or a later one is: never recomputed
          END IF;
          RETURN statistics_edition_unchecked(wanted, NULL, tables, hierarchy, k);
        END $$
        """
    )
    # the old function recomputed every table on demand: gone with its wrapper (0023)
    execute_each(
        f"""
        DROP FUNCTION refresh_statistics(uuid, jsonb, jsonb, integer);
        DROP FUNCTION refresh_statistics_unchecked(uuid, jsonb, jsonb, integer);
        REVOKE ALL ON FUNCTION statistics_edition_unchecked(text, text, jsonb, jsonb, integer)
          FROM PUBLIC;
        REVOKE ALL ON FUNCTION publish_statistics_edition(text, jsonb, jsonb, integer)
          FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION publish_statistics_edition(text, jsonb, jsonb, integer)
          TO {APP};
        """
    )


def downgrade() -> None:
    raise NotImplementedError("0027 changes what is published; restore from a backup instead")
