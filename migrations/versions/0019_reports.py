"""Reports from the public: an intake routed to the responsible party, sealed at rest.

``party_seal_keys`` holds each party's X25519 public key (readable by anyone: a report is
sealed to it) and its private key wrapped under the service's key-encryption key (kept
outside the database); the wrapped key is handed only to a transaction bound to that
party (``party_private_key()``). ``reports`` holds coded facts in clear (what the intake
queue, deadlines and statistics need) and the free text, names, links and contact
details only as one sealed value. Anyone may file a report (insert); only the
responsible party's bindings see or change it; a receipt (code and secret hash) reads
its coarse status through owner functions, never the row.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29
"""

from alembic import op

from migrations.sql import APP, execute_each

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_each(
        f"""
        CREATE TABLE party_seal_keys (
          party_id uuid PRIMARY KEY REFERENCES parties(id),
          public_key bytea NOT NULL,
          wrapped_private_key bytea NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        ALTER TABLE party_seal_keys ENABLE ROW LEVEL SECURITY;
        ALTER TABLE party_seal_keys FORCE ROW LEVEL SECURITY;
        CREATE POLICY owner_all ON party_seal_keys TO CURRENT_USER USING (true) WITH CHECK (true);
        CREATE POLICY public_read ON party_seal_keys FOR SELECT TO {APP} USING (true);
        CREATE POLICY create_once ON party_seal_keys FOR INSERT TO {APP} WITH CHECK (true);
        REVOKE ALL ON party_seal_keys FROM PUBLIC, {APP};
        GRANT SELECT (party_id, public_key, created_at) ON party_seal_keys TO {APP};
        GRANT INSERT ON party_seal_keys TO {APP};

        CREATE TABLE reports (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          party_id uuid NOT NULL REFERENCES parties(id),
          code text NOT NULL UNIQUE,
          secret_hash bytea NOT NULL,
          received_at timestamptz NOT NULL DEFAULT now(),
          received_on date NOT NULL,
          status text NOT NULL DEFAULT 'received',
          respondent_role text NOT NULL,
          channel text NOT NULL,
          provisions text[] NOT NULL,
          forms_of_hate text[] NOT NULL DEFAULT '{{}}',
          occurred_from date NOT NULL,
          occurred_to date NOT NULL,
          reporter_kind text NOT NULL,
          sealed bytea,
          fingerprint bytea NOT NULL,
          duplicate_of uuid REFERENCES reports(id),
          case_id uuid REFERENCES cases(id),
          decline_reason text,
          referrals text[] NOT NULL DEFAULT '{{}}',
          transfers integer NOT NULL DEFAULT 0,
          closed_at timestamptz,
          erased_at timestamptz,
          CHECK (status IN ('received', 'accepted', 'declined', 'withdrawn'))
        );
        CREATE INDEX ix_reports_party_queue ON reports (party_id, status, received_at, id);
        CREATE INDEX ix_reports_fingerprint ON reports (party_id, fingerprint);
        ALTER TABLE reports ENABLE ROW LEVEL SECURITY;
        ALTER TABLE reports FORCE ROW LEVEL SECURITY;
        CREATE POLICY owner_all ON reports TO CURRENT_USER USING (true) WITH CHECK (true);
        CREATE POLICY own_party ON reports FOR SELECT TO {APP}
          USING (party_id = (SELECT jc_party()));
        CREATE POLICY own_party_update ON reports FOR UPDATE TO {APP}
          USING (party_id = (SELECT jc_party())) WITH CHECK (party_id = (SELECT jc_party()));
        CREATE POLICY anyone_files ON reports FOR INSERT TO {APP}
          WITH CHECK (status = 'received' AND case_id IS NULL AND transfers = 0);
        REVOKE ALL ON reports FROM PUBLIC, {APP};
        GRANT SELECT, INSERT ON reports TO {APP};
        GRANT UPDATE (status, case_id, decline_reason, referrals, closed_at) ON reports TO {APP};
        """
    )
    op.execute(
        """
        CREATE FUNCTION party_private_key() RETURNS bytea
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
          SELECT wrapped_private_key FROM party_seal_keys WHERE party_id = jc_party()
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION report_duplicate(party uuid, print bytea) RETURNS uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
          SELECT id FROM reports WHERE party_id = party AND fingerprint = print
            AND duplicate_of IS NULL ORDER BY received_at LIMIT 1
        $$
        """
    )
    # The receipt's view: the same work whether the code is unknown or the secret wrong.
    op.execute(
        """
        CREATE FUNCTION report_status(receipt text, hash bytea)
        RETURNS TABLE (status text, received_on date, case_state text, sanction text,
                       appeal_outcome text, appeal_sanction text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
          SELECT r.status, r.received_on, c.state, c.sanction, c.appeal_outcome,
                 c.appeal_sanction
          FROM reports r LEFT JOIN cases c ON c.id = r.case_id
          WHERE r.code = receipt AND r.secret_hash = hash
        $$
        """
    )
    # The reporter's own copy of what they wrote: the sealed value and the party's wrapped
    # key (useless without the service's key file), for a matching receipt only.
    op.execute(
        """
        CREATE FUNCTION report_for_receipt(receipt text, hash bytea)
        RETURNS TABLE (party_id uuid, sealed bytea, wrapped_private_key bytea)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
          SELECT r.party_id, r.sealed, k.wrapped_private_key
          FROM reports r JOIN party_seal_keys k ON k.party_id = r.party_id
          WHERE r.code = receipt AND r.secret_hash = hash AND r.sealed IS NOT NULL
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION withdraw_report(receipt text, hash bytea) RETURNS boolean
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
          UPDATE reports SET status = 'withdrawn', sealed = NULL, closed_at = now(),
                             erased_at = now()
            WHERE code = receipt AND secret_hash = hash AND status = 'received';
          RETURN FOUND;
        END $$
        """
    )
    # A transfer moves the report to another party, sealed afresh to that party's key by
    # the sending party's binding; the sender keeps only that it transferred.
    op.execute(
        """
        CREATE FUNCTION transfer_report(report uuid, to_party uuid, resealed bytea)
        RETURNS boolean
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
          IF jc_role() NOT IN ('officer', 'party_admin') THEN
            RAISE EXCEPTION 'transfers are for a party''s officers' USING ERRCODE = '42501';
          END IF;
          UPDATE reports SET party_id = to_party, sealed = resealed, transfers = transfers + 1,
                             duplicate_of = NULL
            WHERE id = report AND party_id = jc_party() AND status = 'received'
              AND to_party <> jc_party();
          RETURN FOUND;
        END $$
        """
    )
    for signature in (
        "party_private_key()",
        "report_duplicate(uuid, bytea)",
        "report_status(text, bytea)",
        "withdraw_report(text, bytea)",
        "report_for_receipt(text, bytea)",
        "transfer_report(uuid, uuid, bytea)",
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP}")


def downgrade() -> None:
    execute_each(
        """
        DROP FUNCTION transfer_report(uuid, uuid, bytea);
        DROP FUNCTION withdraw_report(text, bytea);
        DROP FUNCTION report_for_receipt(text, bytea);
        DROP FUNCTION report_status(text, bytea);
        DROP FUNCTION report_duplicate(uuid, bytea);
        DROP FUNCTION party_private_key();
        DROP TABLE reports;
        DROP TABLE party_seal_keys;
        """
    )
