"""Protected statistical tables (cell-key method) and Committee figures for fixed periods.

- ``cases.record_key``: a random 0..255 fixed once per case (ONS cell-key method); a
  cell's key is the sum of its records' keys mod 256, so the same cell always gets the
  same noise, whichever query or table reaches it.
- ``ckm_perturb(n, key_sum, k)``: the perturbation table as a function: 0 stays 0; 1..k-1
  become 0 or k (k with probability n/k, so unbiased); k and above move by -2..+2 (50%
  unchanged) and never below k. No published count is ever 1..k-1.
- ``cases.tabulated``: a party's final outcomes enter the public tables when the party
  publishes (all of them, released or held back), never before.
- ``statistics_tables`` / ``statistics_cells``: the declared tables, computed by
  ``refresh_statistics`` (owner-run) from every tabulated outcome and stored already
  perturbed; the application role reads them and nothing else of other parties.
- The Committee rollups carry the sum of record keys, and the Committee's functions take
  only fixed reporting periods and return perturbed values only: the exact-figure
  functions of 0006/0010 are dropped.
- ``published_classes`` is dropped: nothing sums released records any more.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24
"""

from alembic import op

from migrations.sql import APP, PARTY, execute_each

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OPEN = "('received', 'triaged', 'under_assessment')"
COUNTS = """
  SELECT r.party_id, r.received_on, r.state, r.decided_on IS NOT NULL AS decided,
         coalesce(r.decided_on <= r.decide_due, false) AS on_time,
         r.appeal_lodged_on IS NOT NULL AS appealed, r.release_id IS NOT NULL AS published,
         r.record_key
"""
DAYS = """
  SELECT r.party_id, r.received_on, r.decided_on - r.received_on AS days, r.record_key
"""
DUE = """
  SELECT r.party_id, r.received_on,
         CASE WHEN r.state = 'appealed' THEN r.appeal_decide_due
              ELSE least(
                CASE WHEN r.acknowledged_on IS NULL THEN r.acknowledge_due END,
                CASE WHEN r.state = 'received' THEN r.triage_due END,
                r.decide_due) END AS next_due, r.record_key
"""
DUE_WHERE = f"r.state IN {OPEN} OR r.state = 'appealed'"
SANCTIONS = """
  SELECT r.party_id, r.received_on, r.severity_level AS severity,
         CASE WHEN r.appeal_outcome IN ('varied', 'overturned') THEN r.appeal_sanction
              ELSE r.sanction END AS sanction, r.record_key
"""
SANCTIONS_WHERE = "r.decided_on IS NOT NULL AND r.severity_level IS NOT NULL"

ROLLUPS = (
    ("committee_counts",
     "party_id, received_on, state, decided, on_time, appealed, published", COUNTS, "true"),
    ("committee_days", "party_id, received_on, days", DAYS, "r.decided_on IS NOT NULL"),
    ("committee_due", "party_id, received_on, next_due", DUE, DUE_WHERE),
    ("committee_sanctions", "party_id, received_on, severity, sanction", SANCTIONS,
     SANCTIONS_WHERE),
)  # fmt: skip


def _apply(table: str, keys: str, contribution: str, where: str, *, with_old: bool) -> str:
    sources = [f"{contribution}, 1 AS delta FROM new_rows r WHERE {where}"]
    if with_old:
        sources.append(f"{contribution}, -1 AS delta FROM old_rows r WHERE {where}")
    return f"""
      INSERT INTO {table} AS t ({keys}, n, key_sum)
      SELECT {keys}, sum(delta), sum(delta * record_key)
      FROM ({" UNION ALL ".join(sources)}) AS d
      GROUP BY {keys} HAVING sum(delta) <> 0 OR sum(delta * record_key) <> 0
      ON CONFLICT ({keys})
      DO UPDATE SET n = t.n + EXCLUDED.n, key_sum = t.key_sum + EXCLUDED.key_sum;
    """


PERIOD_CHECK = """
  IF NOT (extract(day FROM from_date) = 1 AND (
       (extract(month FROM from_date)::int % 3 = 1
        AND to_date = (from_date + interval '3 months' - interval '1 day')::date)
       OR ((extract(month FROM from_date)::int IN (1, start_month))
        AND to_date = (from_date + interval '1 year' - interval '1 day')::date))) THEN
    RAISE EXCEPTION 'not a fixed reporting period: % to %', from_date, to_date
      USING ERRCODE = '22023';
  END IF;
"""


def upgrade() -> None:
    execute_each(
        f"""
        ALTER TABLE cases ADD COLUMN record_key smallint NOT NULL
          DEFAULT floor(random() * 256)::smallint CHECK (record_key BETWEEN 0 AND 255);
        ALTER TABLE cases ADD COLUMN tabulated boolean NOT NULL DEFAULT false;
        UPDATE cases SET tabulated = true WHERE state = 'final';
        CREATE POLICY owner_tabulates ON cases TO CURRENT_USER USING (true) WITH CHECK (true);
        CREATE FUNCTION ckm_perturb(n bigint, key_sum bigint, k integer) RETURNS bigint
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT CASE
            WHEN n IS NULL OR n <= 0 THEN 0
            WHEN n < k THEN CASE WHEN ((key_sum % 256) + 0.5) * k < 256.0 * n THEN k ELSE 0 END
            ELSE greatest(k, n + CASE
              WHEN key_sum % 256 < 13 THEN -2 WHEN key_sum % 256 < 64 THEN -1
              WHEN key_sum % 256 < 192 THEN 0 WHEN key_sum % 256 < 243 THEN 1 ELSE 2 END)
          END
        $$;
        DROP TABLE published_classes;
        DROP FUNCTION committee_case_figures(date, date, date);
        DROP FUNCTION committee_sanction_figures(date, date);
        DROP TRIGGER cases_committee_on_insert ON cases;
        DROP TRIGGER cases_committee_on_update ON cases;
        DROP FUNCTION committee_rollup_insert();
        DROP FUNCTION committee_rollup_update();
        TRUNCATE committee_counts, committee_days, committee_due, committee_sanctions;
        ALTER TABLE committee_counts ADD COLUMN key_sum bigint NOT NULL DEFAULT 0;
        ALTER TABLE committee_days ADD COLUMN key_sum bigint NOT NULL DEFAULT 0;
        ALTER TABLE committee_due ADD COLUMN key_sum bigint NOT NULL DEFAULT 0;
        ALTER TABLE committee_sanctions ADD COLUMN key_sum bigint NOT NULL DEFAULT 0;
        CREATE TABLE statistics_tables (
          id text PRIMARY KEY,
          dimensions text[] NOT NULL,
          computed_at timestamptz NOT NULL DEFAULT now(),
          cells integer NOT NULL,
          published_cells integer NOT NULL,
          mean_abs_perturbation double precision NOT NULL
        );
        CREATE TABLE statistics_cells (
          table_id text NOT NULL REFERENCES statistics_tables(id) ON DELETE CASCADE,
          party_id uuid REFERENCES parties(id),
          cell jsonb NOT NULL,
          count integer NOT NULL CHECK (count > 0)
        );
        CREATE INDEX ix_statistics_cells_table ON statistics_cells (table_id, party_id);
        GRANT SELECT ON statistics_tables, statistics_cells TO {APP};
        """
    )
    for table, keys, contribution, where in ROLLUPS:
        op.execute(
            f"INSERT INTO {table} ({keys}, n, key_sum) SELECT {keys}, count(*), sum(record_key) "
            f"FROM ({contribution} FROM cases r WHERE {where}) AS d GROUP BY {keys}"
        )
    for event, with_old in (("insert", False), ("update", True)):
        body = "".join(_apply(*rollup, with_old=with_old) for rollup in ROLLUPS)
        op.execute(
            f"""
            CREATE FUNCTION committee_rollup_{event}() RETURNS trigger
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
            BEGIN
              {body}
              RETURN NULL;
            END $$
            """
        )
    op.execute(
        "CREATE TRIGGER cases_committee_on_insert AFTER INSERT ON cases "
        "REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION committee_rollup_insert()"
    )
    op.execute(
        "CREATE TRIGGER cases_committee_on_update AFTER UPDATE ON cases "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION committee_rollup_update()"
    )
    op.execute(
        f"""
        CREATE FUNCTION committee_period_figures(from_date date, to_date date, today date,
                                                 k integer, start_month integer,
                                                 band_starts integer[])
        RETURNS TABLE (party_id uuid, metric text, value bigint)
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
          {PERIOD_CHECK}
          RETURN QUERY
          WITH cells AS (
            SELECT c.party_id AS p, m.metric, c.n, c.key_sum
            FROM committee_counts c
            CROSS JOIN LATERAL (VALUES
              ('received', true),
              ('closed_out_of_scope', c.state = 'closed_out_of_scope'),
              ('withdrawn', c.state = 'withdrawn'),
              ('respondent_left', c.state = 'respondent_left'),
              ('decided', c.decided),
              ('open', c.state IN {OPEN}),
              ('appealed', c.appealed),
              ('decided_on_time', c.on_time),
              ('published', c.published)) AS m(metric, hit)
            WHERE m.hit AND c.received_on BETWEEN from_date AND to_date
            UNION ALL
            SELECT d.party_id, 'open_overdue', d.n, d.key_sum FROM committee_due d
            WHERE d.received_on BETWEEN from_date AND to_date AND d.next_due < today
            UNION ALL
            SELECT h.party_id,
                   'days_band_' || (SELECT max(i) FROM generate_subscripts(band_starts, 1) i
                                    WHERE band_starts[i] <= h.days),
                   h.n, h.key_sum
            FROM committee_days h WHERE h.received_on BETWEEN from_date AND to_date
          )
          SELECT cells.p, cells.metric,
                 ckm_perturb(sum(cells.n)::bigint, sum(cells.key_sum)::bigint, k)
          FROM cells GROUP BY GROUPING SETS ((cells.p, cells.metric), (cells.metric));
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION committee_period_sanctions(from_date date, to_date date, k integer,
                                                   start_month integer)
        RETURNS TABLE (party_id uuid, severity integer, sanction text, value bigint)
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
          {PERIOD_CHECK}
          RETURN QUERY
          SELECT s.party_id, s.severity, s.sanction,
                 ckm_perturb(sum(s.n)::bigint, sum(s.key_sum)::bigint, k)
          FROM committee_sanctions s WHERE s.received_on BETWEEN from_date AND to_date
          GROUP BY GROUPING SETS ((s.party_id, s.severity, s.sanction), (s.party_id, s.severity),
                                  (s.severity, s.sanction), (s.severity));
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION refresh_statistics(publishing_party uuid, tables jsonb,
                                           hierarchy jsonb, k integer) RETURNS void
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE
          t record;
          d text;
          expr text;
          sources text;
          pairs text;
          keys text;
          conditions text;
          party_key text;
        BEGIN
          IF publishing_party IS DISTINCT FROM {PARTY} THEN
            RAISE EXCEPTION 'statistics are refreshed by the publishing party only'
              USING ERRCODE = '42501';
          END IF;
          IF k < 2 THEN
            RAISE EXCEPTION 'k must be at least 2' USING ERRCODE = '22023';
          END IF;
          UPDATE cases SET tabulated = true
          WHERE cases.party_id = publishing_party AND state = 'final' AND NOT tabulated;
          DROP TABLE IF EXISTS pg_temp.jc_base, pg_temp.jc_cells;
          CREATE TEMP TABLE jc_base ON COMMIT DROP AS
          SELECT c.party_id, c.record_key,
                 extract(year FROM c.decided_on)::integer AS year,
                 to_char(c.decided_on, 'YYYY-"Q"Q') AS quarter,
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
          WHERE c.state = 'final' AND c.tabulated AND c.decided_on IS NOT NULL;
          CREATE TEMP TABLE jc_cells (table_id text, party_id uuid, cell jsonb, n bigint,
                                      key_sum bigint) ON COMMIT DROP;
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
            EXECUTE format(
              'INSERT INTO pg_temp.jc_cells SELECT %L, %s, jsonb_build_object(%s), count(*), '
              'sum(b.record_key) FROM %s WHERE %s %s HAVING count(*) > 0',
              t.id, party_key, pairs, sources, conditions,
              CASE WHEN keys = '' THEN '' ELSE 'GROUP BY ' || substr(keys, 3) END);
          END LOOP;
          DELETE FROM statistics_cells;
          DELETE FROM statistics_tables;
          INSERT INTO statistics_tables (id, dimensions, cells, published_cells,
                                         mean_abs_perturbation)
          SELECT x.id, x.dimensions,
                 count(c.n),
                 count(c.n) FILTER (WHERE ckm_perturb(c.n, c.key_sum, k) > 0),
                 coalesce(avg(abs(ckm_perturb(c.n, c.key_sum, k) - c.n)), 0)
          FROM jsonb_to_recordset(tables) AS x(id text, dimensions text[])
          LEFT JOIN pg_temp.jc_cells c ON c.table_id = x.id
          GROUP BY x.id, x.dimensions;
          INSERT INTO statistics_cells (table_id, party_id, cell, count)
          SELECT c.table_id, c.party_id, c.cell, ckm_perturb(c.n, c.key_sum, k)
          FROM pg_temp.jc_cells c WHERE ckm_perturb(c.n, c.key_sum, k) > 0;
          DROP TABLE pg_temp.jc_base, pg_temp.jc_cells;
        END $$
        """
    )
    for function in (
        "committee_period_figures(date, date, date, integer, integer, integer[])",
        "committee_period_sanctions(date, date, integer, integer)",
        "refresh_statistics(uuid, jsonb, jsonb, integer)",
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {APP}")


def downgrade() -> None:
    raise NotImplementedError("published figures cannot be un-protected; restore a backup")
