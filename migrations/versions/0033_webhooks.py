"""Webhooks: a party hears of a new report, and of a deadline, at once.

- ``webhook_endpoints``: a party's endpoints, managed by its administrators. The signing
  secret is stored wrapped under the service's key (``db.envelope``), never in clear;
  the application may read every column but the wrapped secret.
- ``webhook_events`` is the transactional outbox. Triggers write an event in the same
  transaction as the change: a report filed, transferred in, added to or withdrawn.
  ``webhook_scan_deadlines`` writes deadline events, once each (a dedupe key). An event
  holds ids and coded facts only, never what a reporter wrote.
- ``webhook_deliveries``: one per event and endpoint, written with the event.
  ``webhook_claim`` leases due deliveries to a worker (``FOR UPDATE SKIP LOCKED``);
  ``webhook_record`` records each attempt (delivered, retry at, or dead).
  A worker killed between claim and record leaves a lease that runs out, and the
  delivery is tried again. Delivery is at least once; the ``webhook-id`` header lets a
  receiver drop repeats.
- ``webhook_redeliver`` lets a party's administrator or officer put a delivery (dead
  or done) back in the queue.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07
"""

from alembic import op

from migrations.sql import APP, DEFINER, execute_each

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

PARTY = "(SELECT jc_party())"
NODE = "translate(encode(convert_to('Report:' || {id}::text, 'UTF8'), 'base64'), '+/', '-_')"


def upgrade() -> None:
    execute_each(
        f"""
        CREATE TABLE webhook_endpoints (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          party_id uuid NOT NULL REFERENCES parties(id),
          url text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 500),
          description text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
          event_types text[] NOT NULL DEFAULT '{{}}',
          wrapped_secret bytea NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          disabled_at timestamptz
        );
        CREATE INDEX ix_webhook_endpoints_party ON webhook_endpoints (party_id);
        CREATE TABLE webhook_events (
          id bigserial PRIMARY KEY,
          event_id text NOT NULL UNIQUE DEFAULT 'msg_' || replace(gen_random_uuid()::text, '-', ''),
          party_id uuid NOT NULL REFERENCES parties(id),
          event_type text NOT NULL,
          payload jsonb NOT NULL,
          dedupe text UNIQUE,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE webhook_deliveries (
          id bigserial PRIMARY KEY,
          event_id bigint NOT NULL REFERENCES webhook_events(id),
          endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id),
          party_id uuid NOT NULL REFERENCES parties(id),
          attempts integer NOT NULL DEFAULT 0,
          next_attempt_at timestamptz NOT NULL DEFAULT now(),
          delivered_at timestamptz,
          dead_at timestamptz,
          last_status integer,
          last_error text,
          UNIQUE (event_id, endpoint_id)
        );
        CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
          WHERE delivered_at IS NULL AND dead_at IS NULL;
        CREATE INDEX ix_webhook_deliveries_party ON webhook_deliveries (party_id, id);
        ALTER TABLE webhook_endpoints ENABLE ROW LEVEL SECURITY;
        ALTER TABLE webhook_endpoints FORCE ROW LEVEL SECURITY;
        ALTER TABLE webhook_events ENABLE ROW LEVEL SECURITY;
        ALTER TABLE webhook_events FORCE ROW LEVEL SECURITY;
        ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
        ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
        CREATE POLICY owner_all ON webhook_endpoints TO CURRENT_USER USING (true) WITH CHECK (true);
        CREATE POLICY owner_all ON webhook_events TO CURRENT_USER USING (true) WITH CHECK (true);
        CREATE POLICY owner_all ON webhook_deliveries TO CURRENT_USER USING (true)
          WITH CHECK (true);
        CREATE POLICY own_party ON webhook_endpoints FOR SELECT TO {APP}
          USING (party_id = {PARTY});
        CREATE POLICY admin_adds ON webhook_endpoints FOR INSERT TO {APP}
          WITH CHECK (party_id = {PARTY} AND (SELECT jc_role()) = 'party_admin'
                      AND disabled_at IS NULL);
        CREATE POLICY admin_changes ON webhook_endpoints FOR UPDATE TO {APP}
          USING (party_id = {PARTY} AND (SELECT jc_role()) = 'party_admin')
          WITH CHECK (party_id = {PARTY});
        CREATE POLICY own_party ON webhook_events FOR SELECT TO {APP}
          USING (party_id = {PARTY});
        CREATE POLICY own_party ON webhook_deliveries FOR SELECT TO {APP}
          USING (party_id = {PARTY});
        REVOKE ALL ON webhook_endpoints, webhook_events, webhook_deliveries FROM PUBLIC, {APP};
        GRANT SELECT (id, party_id, url, description, event_types, created_at, disabled_at)
          ON webhook_endpoints TO {APP};
        GRANT INSERT (party_id, url, description, event_types, wrapped_secret)
          ON webhook_endpoints TO {APP};
        GRANT UPDATE (disabled_at, wrapped_secret, event_types, description)
          ON webhook_endpoints TO {APP};
        GRANT SELECT ON webhook_events, webhook_deliveries TO {APP};
        """
    )
    # the one way events enter the outbox: with a delivery to each live endpoint that takes
    # the type, and only when there is one (no endpoint, nothing kept)
    op.execute(
        f"""
        CREATE FUNCTION webhook_enqueue(party uuid, kind text, data jsonb, key text)
        RETURNS void LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        DECLARE
          new_id bigint;
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.party_id = party
                         AND e.disabled_at IS NULL
                         AND (e.event_types = '{{}}' OR kind = ANY(e.event_types))) THEN
            RETURN;
          END IF;
          INSERT INTO webhook_events (party_id, event_type, payload, dedupe)
          VALUES (party, kind, jsonb_build_object(
                    'type', kind,
                    'timestamp', to_char(now() AT TIME ZONE 'UTC',
                                         'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                    'data', data), key)
          ON CONFLICT (dedupe) DO NOTHING
          RETURNING id INTO new_id;
          IF new_id IS NULL THEN
            RETURN;  -- this deadline was told already
          END IF;
          INSERT INTO webhook_deliveries (event_id, endpoint_id, party_id)
          SELECT new_id, e.id, party FROM webhook_endpoints e
          WHERE e.party_id = party AND e.disabled_at IS NULL
            AND (e.event_types = '{{}}' OR kind = ANY(e.event_types));
        END $$
        """
    )
    report_data = (
        "jsonb_build_object('report_id', NEW.id, 'node_id', "
        + NODE.format(id="NEW.id")
        + ", 'code', NEW.code, 'received_on', NEW.received_on, 'status', NEW.status, "
        "'respondent_role', NEW.respondent_role, 'channel', NEW.channel, "
        "'provisions', to_jsonb(NEW.provisions), 'forms_of_hate', to_jsonb(NEW.forms_of_hate), "
        "'reporter_kind', NEW.reporter_kind, 'duplicate_of', NEW.duplicate_of)"
    )
    op.execute(
        f"""
        CREATE FUNCTION reports_webhooks() RETURNS trigger
        LANGUAGE plpgsql {DEFINER} AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            PERFORM webhook_enqueue(NEW.party_id, 'report.received', {report_data}, NULL);
          ELSIF NEW.party_id IS DISTINCT FROM OLD.party_id THEN
            PERFORM webhook_enqueue(NEW.party_id, 'report.transferred_in', {report_data}, NULL);
          ELSIF NEW.status = 'withdrawn' AND OLD.status <> 'withdrawn' THEN
            PERFORM webhook_enqueue(NEW.party_id, 'report.withdrawn', {report_data}, NULL);
          ELSIF NEW.sealed IS NOT NULL AND OLD.sealed IS NOT NULL
                AND NEW.sealed IS DISTINCT FROM OLD.sealed AND NEW.status = OLD.status THEN
            PERFORM webhook_enqueue(NEW.party_id, 'report.information_added', {report_data},
                                    NULL);
          END IF;
          RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER reports_webhooks AFTER INSERT OR UPDATE ON reports "
        "FOR EACH ROW EXECUTE FUNCTION reports_webhooks()"
    )
    op.execute(
        f"""
        CREATE FUNCTION webhook_scan_deadlines(warn_days integer, triage_days integer)
        RETURNS integer LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        DECLARE
          r record;
          n integer := 0;
          today date := (now() AT TIME ZONE 'Europe/London')::date;
        BEGIN
          IF warn_days NOT BETWEEN 0 AND 30 OR triage_days NOT BETWEEN 1 AND 365 THEN
            RAISE EXCEPTION 'deadline windows out of range' USING ERRCODE = '22023';
          END IF;
          FOR r IN SELECT rp.*, rp.received_on + triage_days AS due FROM reports rp
                   WHERE rp.status = 'received'
                     AND rp.received_on + triage_days <= today + warn_days
                     AND EXISTS (SELECT 1 FROM webhook_endpoints e
                                 WHERE e.party_id = rp.party_id AND e.disabled_at IS NULL)
          LOOP
            PERFORM webhook_enqueue(
              r.party_id,
              CASE WHEN r.due < today THEN 'report.overdue' ELSE 'report.deadline_approaching' END,
              jsonb_build_object('report_id', r.id, 'node_id', {NODE.format(id="r.id")},
                                 'code', r.code, 'step', 'triage', 'due_on', r.due),
              CASE WHEN r.due < today THEN 'report.overdue:' ELSE 'report.approaching:' END
                || r.id || ':' || r.due);
            n := n + 1;
          END LOOP;
          FOR r IN SELECT c.id, c.party_id, c.reference, d.step, d.due FROM cases c,
                   LATERAL (SELECT s.step, s.due FROM (VALUES
                     ('acknowledge',
                      CASE WHEN c.acknowledged_on IS NULL THEN c.acknowledge_due END),
                     ('triage', CASE WHEN c.state = 'received' THEN c.triage_due END),
                     ('decide', CASE WHEN c.state IN ('triaged', 'under_assessment')
                                     THEN c.decide_due END),
                     ('decide_appeal', CASE WHEN c.state = 'appealed'
                                            THEN c.appeal_decide_due END)) AS s(step, due)
                     WHERE s.due IS NOT NULL ORDER BY s.due LIMIT 1) d
                   WHERE d.due <= today + warn_days
                     AND EXISTS (SELECT 1 FROM webhook_endpoints e
                                 WHERE e.party_id = c.party_id AND e.disabled_at IS NULL)
          LOOP
            PERFORM webhook_enqueue(
              r.party_id,
              CASE WHEN r.due < today THEN 'case.overdue' ELSE 'case.deadline_approaching' END,
              jsonb_build_object('case_id', r.id, 'node_id',
                                 translate(encode(convert_to('Case:' || r.id::text, 'UTF8'),
                                                  'base64'), '+/', '-_'),
                                 'reference', r.reference, 'step', r.step, 'due_on', r.due),
              CASE WHEN r.due < today THEN 'case.overdue:' ELSE 'case.approaching:' END
                || r.id || ':' || r.step || ':' || r.due);
            n := n + 1;
          END LOOP;
          RETURN n;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION webhook_claim(max_count integer, lease_seconds integer)
        RETURNS TABLE (delivery_id bigint, message_id text, payload jsonb, url text,
                       wrapped_secret bytea, party_id uuid, attempts integer)
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        BEGIN
          RETURN QUERY
          WITH due AS (
            SELECT d.id FROM webhook_deliveries d
            WHERE d.delivered_at IS NULL AND d.dead_at IS NULL AND d.next_attempt_at <= now()
            ORDER BY d.next_attempt_at, d.id
            LIMIT least(greatest(max_count, 1), 100)
            FOR UPDATE SKIP LOCKED
          ), leased AS (
            UPDATE webhook_deliveries d
            SET next_attempt_at = now()
              + make_interval(secs => least(greatest(lease_seconds, 5), 600))
            FROM due WHERE d.id = due.id
            RETURNING d.id, d.event_id, d.endpoint_id, d.party_id, d.attempts
          )
          SELECT l.id, ev.event_id, ev.payload, e.url, e.wrapped_secret, l.party_id, l.attempts
          FROM leased l JOIN webhook_events ev ON ev.id = l.event_id
          JOIN webhook_endpoints e ON e.id = l.endpoint_id
          WHERE e.disabled_at IS NULL;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION webhook_record(delivery bigint, ok boolean, status integer,
                                       error text, retry_at timestamptz, dead boolean)
        RETURNS void LANGUAGE sql VOLATILE {DEFINER} AS $$
          UPDATE webhook_deliveries SET
            attempts = attempts + 1,
            last_status = status,
            last_error = left(error, 500),
            delivered_at = CASE WHEN ok THEN now() END,
            dead_at = CASE WHEN NOT ok AND dead THEN now() END,
            next_attempt_at = CASE WHEN ok OR dead THEN next_attempt_at
                                   ELSE greatest(retry_at, now()) END
          WHERE id = delivery AND delivered_at IS NULL AND dead_at IS NULL
        $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION webhook_redeliver(delivery bigint) RETURNS boolean
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        BEGIN
          IF jc_role() NOT IN ('officer', 'party_admin') THEN
            RAISE EXCEPTION 'redelivery is for a party''s officers' USING ERRCODE = '42501';
          END IF;
          UPDATE webhook_deliveries SET dead_at = NULL, delivered_at = NULL, attempts = 0,
                                        next_attempt_at = now(), last_error = NULL
            WHERE id = delivery AND party_id = jc_party();
          RETURN FOUND;
        END $$
        """
    )
    for signature in (
        "webhook_scan_deadlines(integer, integer)",
        "webhook_claim(integer, integer)",
        "webhook_record(bigint, boolean, integer, text, timestamptz, boolean)",
        "webhook_redeliver(bigint)",
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP}")
    for signature in ("webhook_enqueue(uuid, text, jsonb, text)", "reports_webhooks()"):
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")


def downgrade() -> None:
    execute_each(
        """
        DROP TRIGGER reports_webhooks ON reports;
        DROP FUNCTION reports_webhooks();
        DROP FUNCTION webhook_redeliver(bigint);
        DROP FUNCTION webhook_record(bigint, boolean, integer, text, timestamptz, boolean);
        DROP FUNCTION webhook_claim(integer, integer);
        DROP FUNCTION webhook_scan_deadlines(integer, integer);
        DROP FUNCTION webhook_enqueue(uuid, text, jsonb, text);
        DROP TABLE webhook_deliveries;
        DROP TABLE webhook_events;
        DROP TABLE webhook_endpoints;
        """
    )
