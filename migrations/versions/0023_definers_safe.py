"""Owner functions safe by construction: no temporary table can stand in for an owner table.

Every ``SECURITY DEFINER`` function had ``search_path = pg_catalog, public``. PostgreSQL
then searches the caller's temporary schema *first* for tables and types, and the
application role could create temporary tables (the database's default ``TEMPORARY``
grant to ``PUBLIC``): a temporary ``tokens``, ``binding_key``, ``releases`` or
``code_rules`` made the owner's functions bind any party, mint tokens and publish thin
releases. Following PostgreSQL's "Writing SECURITY DEFINER Functions Safely":

- every function of ours (definer or not: a trigger runs as whoever fires it) searches
  ``pg_catalog, public, pg_temp``, the temporary schema last;
- ``TEMPORARY`` (and ``CREATE``) on the database are revoked from ``PUBLIC`` and the
  application role, and the owner keeps ``TEMPORARY`` for its own statistics functions;
- nobody but the owner may create objects in ``public``, where the owner's objects live;
- no definer function is executable by ``PUBLIC``: trigger functions need no grant to
  fire, and the application role's grants are named one by one (0014 onwards).

The migration refuses to finish if the application role could still create temporary
tables (an owner role that does not own the database cannot revoke the default grant):
the database's owner must run the printed statement first. ``tests/test_definer_safety.py``
walks ``pg_proc`` and tries every shadowing as the application role.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from alembic import op

from migrations.sql import APP, DEFINER, SEARCH_PATH

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    op.execute(f"REVOKE CREATE ON SCHEMA public FROM {APP}")
    op.execute(
        f"""
        DO $$
        BEGIN
          IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO %I',
                           current_database(), current_user);
          END IF;
          EXECUTE format('REVOKE TEMPORARY, CREATE ON DATABASE %I FROM PUBLIC, {APP}',
                         current_database());
          IF has_database_privilege('{APP}', current_database(), 'TEMPORARY') THEN
            RAISE EXCEPTION 'the application role can still create temporary tables'
              USING HINT = format('As the database''s owner: REVOKE TEMPORARY ON DATABASE %I '
                                  'FROM PUBLIC, {APP}; then migrate again.',
                                  current_database());
          END IF;
        END $$
        """
    )
    op.execute(
        f"""
        DO $$
        DECLARE
          f record;
        BEGIN
          FOR f IN
            SELECT p.oid::regprocedure AS signature, p.prosecdef,
                   p.prorettype = 'trigger'::regtype AS is_trigger
            FROM pg_proc p
            WHERE p.pronamespace = 'public'::regnamespace AND p.prokind = 'f'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                              AND d.objid = p.oid AND d.deptype = 'e')
          LOOP
            EXECUTE format('ALTER FUNCTION %s SET search_path = {SEARCH_PATH}', f.signature);
            IF f.prosecdef THEN
              EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f.signature);
            END IF;
          END LOOP;
        END $$
        """
    )
    # The statistics functions took k from their caller: the application role, even
    # unbound, could recompute every public table (or the counts of reports) with k = 2
    # and publish cells of 2..9. Each is wrapped: k is at least every code version's.
    for name, signature, arguments in (
        (
            "refresh_statistics",
            "publishing_party uuid, tables jsonb, hierarchy jsonb, k integer",
            "publishing_party, tables, hierarchy, k",
        ),
        (
            "refresh_report_statistics",
            "tables jsonb, families jsonb, groups jsonb, characteristics jsonb, "
            "elections jsonb, k integer, today date",
            "tables, families, groups, characteristics, elections, k, today",
        ),
    ):
        types = ", ".join(part.split()[-1] for part in signature.split(", "))
        op.execute(f"ALTER FUNCTION {name}({types}) RENAME TO {name}_unchecked")
        op.execute(f"REVOKE ALL ON FUNCTION {name}_unchecked({types}) FROM PUBLIC, {APP}")
        op.execute(
            f"""
            CREATE FUNCTION {name}({signature}) RETURNS void
            LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
            BEGIN
              IF k IS NULL OR k < (SELECT max(r.k) FROM code_rules r) THEN
                RAISE EXCEPTION 'published counts keep the code''s k (%)',
                  (SELECT max(r.k) FROM code_rules r) USING ERRCODE = '42501';
              END IF;
              PERFORM {name}_unchecked({arguments});
            END $$
            """
        )
        op.execute(f"REVOKE ALL ON FUNCTION {name}({types}) FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {name}({types}) TO {APP}")


def downgrade() -> None:
    raise NotImplementedError("0023 closes a hole; restore from a backup instead")
