"""Signed checkpoints of every chain head, to anchor the chains outside the database.

- ``chain_heads()`` (owner-run, for everyone): per party and for the service's own
  chain, the newest audit entry's hash and the newest release's number and hash. Hashes
  only: not even an entry's position, which would tell how busy a party's officers were.
- ``jc_chain_head(party)``: the newest entry of one chain, for whoever may append to it;
  the registry admin may append a break-glass ``token.revoke`` to a party's chain (and
  nothing else), so every token event of a party is in that party's trail.
- The owner reads every chain under FORCE row-level security even when it is not a
  superuser (``audit verify``, checkpoints' comparison are the operator's).
- ``checkpoints``: what the operator's key signed (the body, its Ed25519 signature and
  the public key). The application role may add and read them, never change or delete
  one; copies kept by parties and the public are what makes truncating or rewriting a
  chain show (``jointcode audit verify --checkpoints``, ``release verify --checkpoints``).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29
"""

from alembic import op

from migrations.sql import APP, execute_each

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_each(
        f"""
        CREATE TABLE checkpoints (
          id bigserial PRIMARY KEY,
          at timestamptz NOT NULL,
          body jsonb NOT NULL,
          signature text NOT NULL,
          public_key text NOT NULL
        );
        REVOKE ALL ON checkpoints FROM PUBLIC, {APP};
        GRANT SELECT, INSERT ON checkpoints TO {APP};
        GRANT USAGE ON SEQUENCE checkpoints_id_seq TO {APP};
        """
    )
    op.execute(
        """
        CREATE FUNCTION chain_heads()
        RETURNS TABLE (party text, audit_hash text, release_number integer, release_hash text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
          WITH chains AS (
            SELECT NULL::uuid AS id, NULL::text AS slug
            UNION ALL SELECT id, slug FROM parties
          )
          SELECT c.slug, a.hash, r.number, r.content_hash
          FROM chains c
          LEFT JOIN LATERAL (
            SELECT seq, hash FROM audit_entries e
            WHERE e.party_id IS NOT DISTINCT FROM c.id ORDER BY seq DESC LIMIT 1
          ) a ON true
          LEFT JOIN LATERAL (
            SELECT number, content_hash FROM releases x
            WHERE x.party_id = c.id ORDER BY number DESC LIMIT 1
          ) r ON true
          ORDER BY c.slug NULLS FIRST
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION jc_chain_head(chain uuid) RETURNS TABLE (seq bigint, hash text)
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
          IF NOT (chain IS NOT DISTINCT FROM jc_party()
                  OR jc_role() IN ('admin', 'operator')
                  OR (chain IS NULL AND jc_role() IS NOT NULL)) THEN
            RAISE EXCEPTION 'not a chain you may append to' USING ERRCODE = '42501';
          END IF;
          RETURN QUERY SELECT e.seq, e.hash FROM audit_entries e
            WHERE e.party_id IS NOT DISTINCT FROM chain ORDER BY e.seq DESC LIMIT 1;
        END $$
        """
    )
    execute_each(
        """
        DROP POLICY own_chain_insert ON audit_entries;
        CREATE POLICY own_chain_insert ON audit_entries FOR INSERT
          WITH CHECK (CASE WHEN party_id IS NULL THEN (SELECT jc_role()) IS NOT NULL
                           ELSE party_id = (SELECT jc_party())
                                OR ((SELECT jc_role()) = 'admin' AND action = 'token.revoke')
                      END);
        CREATE INDEX ix_audit_entries_hash ON audit_entries (hash);
        CREATE POLICY owner_all ON audit_entries TO CURRENT_USER USING (true) WITH CHECK (true);
        CREATE POLICY owner_all ON party_keys TO CURRENT_USER USING (true) WITH CHECK (true);
        CREATE POLICY owner_all ON release_previews TO CURRENT_USER USING (true)
          WITH CHECK (true);
        """
    )
    for function in ("chain_heads()", "jc_chain_head(uuid)"):
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {APP}")


def downgrade() -> None:
    op.execute("DROP FUNCTION jc_chain_head(uuid)")
    op.execute("DROP FUNCTION chain_heads()")
    op.execute("DROP TABLE checkpoints")
