"""Committee figures from rollups maintained with the cases, not a scan of every case.

Three small tables, kept by statement triggers (as the owner) in the same transaction as
every insert or update of cases:

- committee_counts: cases per party, day received, state and the yes/no facts the
  Committee counts (decided, on time, appealed, published);
- committee_days: decided cases per party, day received and days to decision (the
  median is read from this histogram);
- committee_due: open cases per party, day received and next due date (overdue is
  "next due before today", which a rollup cannot fix in advance);
- committee_sanctions: decided cases per party, day received, severity and the sanction
  that stands.

The functions the service calls keep their names and results; they now read these.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24
"""

from alembic import op

from migrations.sql import execute_each

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

OPEN = "('received', 'triaged', 'under_assessment')"
# one case's contribution to each rollup, from a row source named `r`
COUNTS = """
  SELECT r.party_id, r.received_on, r.state, r.decided_on IS NOT NULL AS decided,
         coalesce(r.decided_on <= r.decide_due, false) AS on_time,
         r.appeal_lodged_on IS NOT NULL AS appealed, r.release_id IS NOT NULL AS published
"""
DAYS = """
  SELECT r.party_id, r.received_on, r.decided_on - r.received_on AS days
"""
DUE = """
  SELECT r.party_id, r.received_on,
         CASE WHEN r.state = 'appealed' THEN r.appeal_decide_due
              ELSE least(
                CASE WHEN r.acknowledged_on IS NULL THEN r.acknowledge_due END,
                CASE WHEN r.state = 'received' THEN r.triage_due END,
                r.decide_due) END AS next_due
"""
DUE_WHERE = f"r.state IN {OPEN} OR r.state = 'appealed'"
SANCTIONS = """
  SELECT r.party_id, r.received_on, r.severity_level AS severity,
         CASE WHEN r.appeal_outcome IN ('varied', 'overturned') THEN r.appeal_sanction
              ELSE r.sanction END AS sanction
"""
SANCTIONS_WHERE = "r.decided_on IS NOT NULL AND r.severity_level IS NOT NULL"

ROLLUPS = (
    # table, key columns, contribution select, filter
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
      INSERT INTO {table} AS t ({keys}, n)
      SELECT {keys}, sum(delta) FROM ({" UNION ALL ".join(sources)}) AS d
      GROUP BY {keys} HAVING sum(delta) <> 0
      ON CONFLICT ({keys}) DO UPDATE SET n = t.n + EXCLUDED.n;
    """


def upgrade() -> None:
    execute_each(
        """
        CREATE TABLE committee_counts (
          party_id uuid NOT NULL, received_on date NOT NULL, state text NOT NULL,
          decided boolean NOT NULL, on_time boolean NOT NULL, appealed boolean NOT NULL,
          published boolean NOT NULL, n bigint NOT NULL,
          PRIMARY KEY (party_id, received_on, state, decided, on_time, appealed, published)
        );
        CREATE TABLE committee_days (
          party_id uuid NOT NULL, received_on date NOT NULL, days integer NOT NULL,
          n bigint NOT NULL, PRIMARY KEY (party_id, received_on, days)
        );
        CREATE TABLE committee_due (
          party_id uuid NOT NULL, received_on date NOT NULL, next_due date NOT NULL,
          n bigint NOT NULL, PRIMARY KEY (party_id, received_on, next_due)
        );
        CREATE TABLE committee_sanctions (
          party_id uuid NOT NULL, received_on date NOT NULL, severity integer NOT NULL,
          sanction text NOT NULL, n bigint NOT NULL,
          PRIMARY KEY (party_id, received_on, severity, sanction)
        );
        """
    )
    for table, keys, contribution, where in ROLLUPS:
        op.execute(
            f"INSERT INTO {table} ({keys}, n) SELECT {keys}, count(*) FROM ({contribution} "
            f"FROM cases r WHERE {where}) AS d GROUP BY {keys}"
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
        CREATE OR REPLACE FUNCTION committee_case_figures(from_date date, to_date date,
                                                          today date)
        RETURNS TABLE (
          party_id uuid, received bigint, closed_out_of_scope bigint, withdrawn bigint,
          respondent_left bigint, decided bigint, open bigint, appealed bigint,
          decided_on_time bigint, open_overdue bigint, published bigint,
          median_days double precision
        )
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
          WITH counts AS (
            SELECT c.party_id,
                   sum(c.n) AS received,
                   sum(c.n) FILTER (WHERE c.state = 'closed_out_of_scope') AS out_of_scope,
                   sum(c.n) FILTER (WHERE c.state = 'withdrawn') AS withdrawn,
                   sum(c.n) FILTER (WHERE c.state = 'respondent_left') AS respondent_left,
                   sum(c.n) FILTER (WHERE c.decided) AS decided,
                   sum(c.n) FILTER (WHERE c.state IN {OPEN}) AS open,
                   sum(c.n) FILTER (WHERE c.appealed) AS appealed,
                   sum(c.n) FILTER (WHERE c.on_time) AS on_time,
                   sum(c.n) FILTER (WHERE c.published) AS published
            FROM committee_counts c
            WHERE c.received_on BETWEEN from_date AND to_date
            GROUP BY GROUPING SETS ((c.party_id), ())
          ),
          overdue AS (
            SELECT d.party_id, sum(d.n) AS n FROM committee_due d
            WHERE d.received_on BETWEEN from_date AND to_date AND d.next_due < today
            GROUP BY GROUPING SETS ((d.party_id), ())
          ),
          histogram AS (
            SELECT h.party_id, h.days, sum(h.n) AS n FROM committee_days h
            WHERE h.received_on BETWEEN from_date AND to_date
            GROUP BY GROUPING SETS ((h.party_id, h.days), (h.days))
          ),
          running AS (
            SELECT party_id, days,
                   sum(n) OVER (PARTITION BY party_id ORDER BY days) AS upto,
                   sum(n) OVER (PARTITION BY party_id) AS total
            FROM histogram
          ),
          medians AS (  -- percentile_cont(0.5) over the histogram: mean of the middle two
            SELECT party_id,
                   (min(days) FILTER (WHERE upto >= floor((total + 1) / 2.0))
                    + min(days) FILTER (WHERE upto >= floor(total / 2.0) + 1)) / 2.0 AS days
            FROM running GROUP BY party_id
          )
          SELECT c.party_id, coalesce(c.received, 0), coalesce(c.out_of_scope, 0),
                 coalesce(c.withdrawn, 0), coalesce(c.respondent_left, 0),
                 coalesce(c.decided, 0), coalesce(c.open, 0), coalesce(c.appealed, 0),
                 coalesce(c.on_time, 0), coalesce(o.n, 0), coalesce(c.published, 0),
                 m.days::double precision
          FROM counts c
          LEFT JOIN overdue o ON o.party_id IS NOT DISTINCT FROM c.party_id
          LEFT JOIN medians m ON m.party_id IS NOT DISTINCT FROM c.party_id
        $$
        """
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION committee_sanction_figures(from_date date, to_date date)
        RETURNS TABLE (party_id uuid, severity integer, sanction text, n bigint)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
          SELECT s.party_id, s.severity, s.sanction, sum(s.n)::bigint
          FROM committee_sanctions s
          WHERE s.received_on BETWEEN from_date AND to_date AND s.n > 0
          GROUP BY 1, 2, 3
        $$
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER cases_committee_on_insert ON cases")
    op.execute("DROP TRIGGER cases_committee_on_update ON cases")
    op.execute("DROP FUNCTION committee_rollup_insert()")
    op.execute("DROP FUNCTION committee_rollup_update()")
    execute_each("DROP TABLE committee_counts, committee_days, committee_due, committee_sanctions;")
