"""No operator path to a party's cases: a new administrator for a party that has had one
needs that party's consent or the Committee's co-signature, and the party is told.

The registry admin could create an enrolment for any party, redeem the code itself,
become the party's administrator, issue itself an officer token and read every case:
detected afterwards in ``credentialEvents``, never prevented. Now, in the database:

- an enrolment for a party that has ever had an administrator token (live or revoked,
  so a break-glass revocation of them all opens nothing) ``needs_consent``, decided by
  the database when the row is written, whatever the writer says;
- ``jc_approve_enrolment(id)`` records the consent: one of that party's administrators
  (the party's own say), or the Committee (a second person, for a party that has lost
  every administrator: break-glass); the registry admin and the operator cannot;
- ``jc_enrol`` refuses a code that needs consent and has none, and any code whose
  creation is not in the party's own audit chain: every enrolment of a party is told to
  that party's administrators, in their chain (``credentialEvents``) and in the list of
  its enrolments they may read;
- the registry admin (and the operator) may append ``enrolment.create`` to a party's
  chain, the Committee ``enrolment.approve``: nothing else of a party's chain.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""

from alembic import op

from migrations.sql import APP, DEFINER, execute_each

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

PARTY = "(SELECT jc_party())"
ROLE = "(SELECT jc_role())"


def upgrade() -> None:
    execute_each(
        f"""
        ALTER TABLE enrolments ADD COLUMN needs_consent boolean NOT NULL DEFAULT false;
        ALTER TABLE enrolments ADD COLUMN approved_at timestamptz;
        ALTER TABLE enrolments ADD COLUMN approved_by text;
        GRANT SELECT (needs_consent, approved_at, approved_by) ON enrolments TO {APP};
        CREATE POLICY party_reads_own ON enrolments FOR SELECT TO {APP}
          USING ({ROLE} = 'party_admin' AND party_id = {PARTY});
        CREATE POLICY committee_reads_awaiting ON enrolments FOR SELECT TO {APP}
          USING ({ROLE} = 'committee' AND needs_consent);
        DROP POLICY own_chain_insert ON audit_entries;
        CREATE POLICY own_chain_insert ON audit_entries FOR INSERT
          WITH CHECK (CASE WHEN party_id IS NULL THEN {ROLE} IS NOT NULL
                           ELSE party_id = {PARTY}
                                OR ({ROLE} = 'admin' AND action = 'token.revoke')
                                OR ({ROLE} IN ('admin', 'operator')
                                    AND action = 'enrolment.create')
                                OR ({ROLE} = 'committee' AND action = 'enrolment.approve')
                      END);
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION enrolments_need_consent() RETURNS trigger
        LANGUAGE plpgsql {DEFINER} AS $$
        BEGIN
          NEW.needs_consent := EXISTS (SELECT 1 FROM tokens t
                                       WHERE t.party_id = NEW.party_id
                                         AND t.role = 'party_admin');
          NEW.approved_at := NULL;
          NEW.approved_by := NULL;
          NEW.used_at := NULL;
          NEW.token_id := NULL;
          RETURN NEW;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER enrolments_need_consent BEFORE INSERT ON enrolments
          FOR EACH ROW EXECUTE FUNCTION enrolments_need_consent()
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION jc_approve_enrolment(enrolment uuid) RETURNS uuid
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        DECLARE
          e enrolments%ROWTYPE;
          viewer record;
        BEGIN
          SELECT * INTO viewer FROM jc_viewer();
          SELECT * INTO e FROM enrolments
          WHERE id = enrolment AND used_at IS NULL AND expires_at > now() AND needs_consent
          FOR UPDATE;
          IF NOT FOUND OR NOT (
               (viewer.role = 'party_admin' AND viewer.party = e.party_id)
               OR viewer.role = 'committee') THEN
            RETURN NULL;  -- not found, not yours, or not needing consent: alike
          END IF;
          IF e.approved_at IS NULL THEN
            UPDATE enrolments SET approved_at = now(),
                                  approved_by = viewer.role || ':' || viewer.token
            WHERE id = e.id;
          END IF;
          RETURN e.party_id;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION jc_enrol(code text, token_hash bytea, display_prefix text,
                                            label text)
        RETURNS TABLE (token_id uuid, party_id uuid)
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        DECLARE
          e enrolments%ROWTYPE;
          new_id uuid;
        BEGIN
          SELECT * INTO e FROM enrolments
          WHERE code_hash = sha256(convert_to(code, 'UTF8')) AND used_at IS NULL
            AND expires_at > now()
          FOR UPDATE;
          IF NOT FOUND THEN
            RETURN;
          END IF;
          IF NOT EXISTS (SELECT 1 FROM audit_entries a
                         WHERE a.subject_ids @> ARRAY[e.id] AND a.party_id = e.party_id
                           AND a.action = 'enrolment.create') THEN
            RAISE EXCEPTION 'an enrolment the party was not told of opens nothing'
              USING ERRCODE = '42501';
          END IF;
          IF e.needs_consent AND e.approved_at IS NULL THEN
            RAISE EXCEPTION 'enrolment awaits consent' USING ERRCODE = '42501';
          END IF;
          INSERT INTO tokens (token_hash, display_prefix, label, role, party_id)
          VALUES (token_hash, display_prefix, label, 'party_admin', e.party_id)
          RETURNING id INTO new_id;
          UPDATE enrolments SET used_at = now(), token_id = new_id WHERE id = e.id;
          PERFORM jc_set_binding('party_admin', new_id, e.party_id);
          token_id := new_id;
          party_id := e.party_id;
          RETURN NEXT;
        END $$
        """
    )
    # the Committee appends its approval to the party's chain: it may read that chain's
    # head while an enrolment of the party awaits consent, and no other time
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION jc_chain_head(chain uuid) RETURNS TABLE (seq bigint, hash text)
        LANGUAGE plpgsql STABLE {DEFINER} AS $$
        BEGIN
          IF NOT (chain IS NOT DISTINCT FROM jc_party()
                  OR jc_role() IN ('admin', 'operator')
                  OR (chain IS NULL AND jc_role() IS NOT NULL)
                  OR (jc_role() = 'committee' AND EXISTS (
                        SELECT 1 FROM enrolments n WHERE n.party_id = chain AND n.needs_consent
                          AND n.used_at IS NULL AND n.expires_at > now()))) THEN
            RAISE EXCEPTION 'not a chain you may append to' USING ERRCODE = '42501';
          END IF;
          RETURN QUERY SELECT e.seq, e.hash FROM audit_entries e
            WHERE e.party_id IS NOT DISTINCT FROM chain ORDER BY e.seq DESC LIMIT 1;
        END $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION enrolments_need_consent() FROM PUBLIC")
    op.execute("REVOKE ALL ON FUNCTION jc_approve_enrolment(uuid) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION jc_approve_enrolment(uuid) TO {APP}")


def downgrade() -> None:
    raise NotImplementedError("0025 closes a hole; restore from a backup instead")
