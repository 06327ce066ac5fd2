"""The database checks who is asking: a signed binding, party-held credentials, final is final.

Until now the application role bound a transaction to a party with ``set_config`` on a
plain setting, so a compromised API process could read any party's cases. From here:

- ``binding_key`` (owner only) holds a random key. ``jc_bind_token(secret)`` (owner-run)
  finds the live token by its hash and sets ``jointcode.binding`` to the token's role,
  id and party, the backend and the transaction's start, sealed with the key. Every
  policy and owner function asks ``jc_viewer()``, which accepts a binding only when its
  seal verifies and it names this very transaction: a value set by hand, or copied from
  another transaction, binds nothing. ``jc_bind_operator(party)`` is the owner's own
  way in (CLI commands), not granted to the application role.
- Tokens: the application role no longer reads hashes (authentication is the function),
  may not touch ``last_used_at``, and may add or revoke only what the bound token's role
  allows: the registry admin issues Committee and admin tokens and may revoke any token
  (break-glass); a party's administrators issue and revoke their own party's officer and
  administrator tokens; a revoked token stays revoked. A party's first administrator
  enrols with a one-time code the registry admin creates (``jc_enrol``).
- The Committee's functions answer a Committee binding only; registry writes (parties,
  party keys, sanction names) need the registry admin or the operator.
- Final is final: a final case changes only by being tabulated or released into a
  release of its own party; a case's record key and tabulation are the database's; a
  release's k is at least its code version's (``code_rules``, written by the owner from
  the code files at every migration), and every published class of a release holds at
  least k records, checked when the transaction commits.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""

from alembic import op

from migrations.sql import APP, execute_each

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# how pg_policies prints the old expression
DEPARSED = "(NULLIF(current_setting('jointcode.party_id'::text, true), ''::text))::uuid"
OLD_PARTY = "NULLIF(current_setting('jointcode.party_id', true), '')::uuid"
PARTY = "(SELECT jc_party())"
ROLE = "(SELECT jc_role())"
DEFINER = "SECURITY DEFINER SET search_path = pg_catalog, public"


def upgrade() -> None:
    execute_each(
        f"""
        CREATE TABLE binding_key (
          id boolean PRIMARY KEY DEFAULT true CHECK (id),
          key bytea NOT NULL
        );
        INSERT INTO binding_key (key) VALUES (uuid_send(gen_random_uuid())
          || uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())
          || uuid_send(gen_random_uuid()));
        REVOKE ALL ON binding_key FROM PUBLIC, {APP};
        ALTER TABLE tokens DROP CONSTRAINT tokens_role_check;
        ALTER TABLE tokens DROP CONSTRAINT officer_has_party;
        ALTER TABLE tokens ADD CONSTRAINT tokens_role_check
          CHECK (role IN ('officer', 'party_admin', 'committee', 'admin'));
        ALTER TABLE tokens ADD CONSTRAINT party_roles_have_party
          CHECK ((role IN ('officer', 'party_admin')) = (party_id IS NOT NULL));
        CREATE TABLE enrolments (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          party_id uuid NOT NULL REFERENCES parties(id),
          code_hash bytea NOT NULL UNIQUE,
          created_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz NOT NULL,
          used_at timestamptz,
          token_id uuid REFERENCES tokens(id)
        );
        REVOKE ALL ON enrolments FROM PUBLIC, {APP};
        CREATE TABLE code_rules (
          code_version text PRIMARY KEY,
          k integer NOT NULL CHECK (k >= 2),
          l_diversity integer NOT NULL CHECK (l_diversity >= 1)
        );
        REVOKE ALL ON code_rules FROM PUBLIC, {APP};
        GRANT SELECT ON code_rules TO {APP};
        GRANT SELECT (id, party_id, created_at, expires_at, used_at, token_id)
          ON enrolments TO {APP};
        GRANT INSERT (party_id, code_hash, expires_at) ON enrolments TO {APP};
        """
    )
    op.execute(
        """
        CREATE FUNCTION jc_here() RETURNS text LANGUAGE sql STABLE AS $$
          SELECT pg_backend_pid()::text || '@'
                 || (extract(epoch FROM transaction_timestamp()) * 1000000)::bigint::text
        $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION jc_seal(payload text) RETURNS text
        LANGUAGE sql STABLE {DEFINER} AS $$
          SELECT encode(sha256(k.key || sha256(k.key || convert_to(payload, 'UTF8'))), 'hex')
          FROM binding_key k
        $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION jc_set_binding(role text, token uuid, party uuid) RETURNS void
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        DECLARE
          payload text := concat_ws('|', role, coalesce(token::text, ''),
                                    coalesce(party::text, ''), jc_here());
        BEGIN
          PERFORM set_config('jointcode.binding', payload || '|' || jc_seal(payload), true);
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION jc_viewer(OUT role text, OUT token uuid, OUT party uuid)
        LANGUAGE plpgsql STABLE {DEFINER} AS $$
        DECLARE
          binding text := current_setting('jointcode.binding', true);
          parts text[];
        BEGIN
          IF binding IS NULL OR binding = '' THEN
            RETURN;
          END IF;
          parts := string_to_array(binding, '|');
          IF cardinality(parts) <> 5 OR parts[4] <> jc_here()
             OR parts[5] <> jc_seal(array_to_string(parts[1:4], '|')) THEN
            RETURN;
          END IF;
          role := parts[1];
          token := NULLIF(parts[2], '')::uuid;
          party := NULLIF(parts[3], '')::uuid;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION jc_role() RETURNS text LANGUAGE sql STABLE {DEFINER} AS $$
          SELECT role FROM jc_viewer()
        $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION jc_party() RETURNS uuid LANGUAGE sql STABLE {DEFINER} AS $$
          SELECT party FROM jc_viewer() WHERE role IN ('officer', 'party_admin', 'operator')
        $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION jc_bind_token(secret text)
        RETURNS TABLE (token_id uuid, role text, party_id uuid)
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        DECLARE
          t tokens%ROWTYPE;
        BEGIN
          SELECT * INTO t FROM tokens
          WHERE token_hash = sha256(convert_to(secret, 'UTF8')) AND revoked_at IS NULL
            AND (expires_at IS NULL OR expires_at > now());
          IF NOT FOUND THEN
            PERFORM set_config('jointcode.binding', '', true);
            RETURN;
          END IF;
          IF t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute' THEN
            UPDATE tokens SET last_used_at = now() WHERE id = t.id;
          END IF;
          PERFORM jc_set_binding(t.role, t.id, t.party_id);
          token_id := t.id;
          role := t.role;
          party_id := t.party_id;
          RETURN NEXT;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION jc_bind_operator(party uuid) RETURNS void
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        BEGIN
          PERFORM jc_set_binding('operator', NULL, party);
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION jc_revoke_by_secret(secret text) RETURNS uuid
        LANGUAGE plpgsql VOLATILE {DEFINER} AS $$
        DECLARE
          found uuid;
        BEGIN
          UPDATE tokens SET revoked_at = coalesce(revoked_at, now())
          WHERE token_hash = sha256(convert_to(secret, 'UTF8')) RETURNING id INTO found;
          RETURN found;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION jc_enrol(code text, token_hash bytea, display_prefix text, label text)
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
    for function in (
        "jc_seal(text)",
        "jc_set_binding(text, uuid, uuid)",
        "jc_bind_operator(uuid)",
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
    for function in (
        "jc_viewer()",
        "jc_role()",
        "jc_party()",
        "jc_bind_token(text)",
        "jc_revoke_by_secret(text)",
        "jc_enrol(text, bytea, text, text)",
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {APP}")

    # Every policy and owner function that read the plain setting asks jc_party() now.
    op.execute(
        f"""
        DO $$
        DECLARE
          p record;
          f record;
          old_expr text := $q${DEPARSED}$q$;
          using_clause text;
          check_clause text;
        BEGIN
          FOR p IN SELECT * FROM pg_policies WHERE schemaname = 'public'
                   AND (qual LIKE '%jointcode.party_id%' OR with_check LIKE '%jointcode.party_id%')
          LOOP
            using_clause := replace(p.qual, old_expr, '{PARTY}');
            check_clause := replace(p.with_check, old_expr, '{PARTY}');
            EXECUTE format('DROP POLICY %I ON %I', p.policyname, p.tablename);
            EXECUTE format('CREATE POLICY %I ON %I FOR %s', p.policyname, p.tablename, p.cmd)
              || CASE WHEN using_clause IS NOT NULL THEN ' USING (' || using_clause || ')'
                      ELSE '' END
              || CASE WHEN check_clause IS NOT NULL THEN ' WITH CHECK (' || check_clause || ')'
                      ELSE '' END;
          END LOOP;
          FOR f IN SELECT oid FROM pg_proc WHERE pronamespace = 'public'::regnamespace
                   AND prosrc LIKE '%jointcode.party_id%'
          LOOP
            EXECUTE replace(pg_get_functiondef(f.oid), $q${OLD_PARTY}$q$, 'jc_party()');
          END LOOP;
        END $$
        """
    )
    # registry writes: the registry admin or the operator, not merely "no party bound"
    execute_each(
        f"""
        DROP POLICY registry_insert ON party_keys;
        CREATE POLICY registry_insert ON party_keys FOR INSERT
          WITH CHECK ({ROLE} IN ('admin', 'operator'));
        DROP POLICY registry_write ON party_sanctions;
        CREATE POLICY registry_write ON party_sanctions FOR INSERT
          WITH CHECK ({ROLE} IN ('admin', 'operator'));
        DROP POLICY registry_delete ON party_sanctions;
        CREATE POLICY registry_delete ON party_sanctions FOR DELETE
          USING ({ROLE} IN ('admin', 'operator'));
        ALTER TABLE parties ENABLE ROW LEVEL SECURITY;
        ALTER TABLE parties FORCE ROW LEVEL SECURITY;
        CREATE POLICY public_read ON parties FOR SELECT USING (true);
        CREATE POLICY registry_insert ON parties FOR INSERT
          WITH CHECK ({ROLE} IN ('admin', 'operator'));
        CREATE POLICY registry_or_own_update ON parties FOR UPDATE
          USING ({ROLE} IN ('admin', 'operator') OR id = {PARTY});
        DROP POLICY own_chain_read ON audit_entries;
        CREATE POLICY own_chain_read ON audit_entries FOR SELECT
          USING (CASE WHEN party_id IS NULL THEN {ROLE} IN ('admin', 'operator')
                      ELSE party_id = {PARTY} END);
        DROP POLICY own_chain_insert ON audit_entries;
        CREATE POLICY own_chain_insert ON audit_entries FOR INSERT
          WITH CHECK (CASE WHEN party_id IS NULL THEN {ROLE} IS NOT NULL
                           ELSE party_id = {PARTY} END);
        """
    )
    # Tokens: metadata only, and only what the bound role may manage.
    execute_each(
        f"""
        REVOKE ALL ON tokens FROM {APP};
        GRANT SELECT (id, display_prefix, label, role, party_id, created_at, expires_at,
                      last_used_at, revoked_at, rotated_from) ON tokens TO {APP};
        GRANT INSERT (token_hash, display_prefix, label, role, party_id, expires_at,
                      rotated_from, last_used_at, revoked_at) ON tokens TO {APP};
        GRANT UPDATE (revoked_at) ON tokens TO {APP};
        ALTER TABLE tokens ENABLE ROW LEVEL SECURITY;
        ALTER TABLE tokens FORCE ROW LEVEL SECURITY;
        CREATE POLICY owner_all ON tokens TO CURRENT_USER USING (true) WITH CHECK (true);
        CREATE POLICY managed_read ON tokens FOR SELECT TO {APP}
          USING ({ROLE} IN ('admin', 'operator')
                 OR ({ROLE} = 'party_admin' AND party_id = {PARTY})
                 OR id = (SELECT token FROM jc_viewer()));
        CREATE POLICY managed_issue ON tokens FOR INSERT TO {APP}
          WITH CHECK (
            ({ROLE} = 'operator')
            OR ({ROLE} = 'admin' AND role IN ('committee', 'admin'))
            OR ({ROLE} = 'party_admin' AND role IN ('officer', 'party_admin')
                AND party_id = {PARTY}));
        CREATE POLICY managed_revoke ON tokens FOR UPDATE TO {APP}
          USING ({ROLE} IN ('admin', 'operator')
                 OR ({ROLE} = 'party_admin' AND party_id = {PARTY}))
          WITH CHECK (revoked_at IS NOT NULL);
        ALTER TABLE enrolments ENABLE ROW LEVEL SECURITY;
        ALTER TABLE enrolments FORCE ROW LEVEL SECURITY;
        CREATE POLICY owner_all ON enrolments TO CURRENT_USER USING (true) WITH CHECK (true);
        CREATE POLICY registry_manages ON enrolments TO {APP}
          USING ({ROLE} IN ('admin', 'operator')) WITH CHECK ({ROLE} IN ('admin', 'operator'));
        """
    )
    op.execute(
        """
        CREATE FUNCTION tokens_stay_revoked() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
            RAISE EXCEPTION 'a revoked token stays revoked' USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER tokens_stay_revoked BEFORE UPDATE ON tokens
          FOR EACH ROW EXECUTE FUNCTION tokens_stay_revoked()
        """
    )
    # The Committee's functions answer a Committee binding only.
    op.execute(
        """
        DO $$
        DECLARE
          f record;
        BEGIN
          FOR f IN SELECT oid FROM pg_proc WHERE pronamespace = 'public'::regnamespace
                   AND proname IN ('committee_period_figures', 'committee_period_sanctions')
          LOOP
            EXECUTE regexp_replace(pg_get_functiondef(f.oid), '\\$function\\$\\s*BEGIN',
              '$function$ BEGIN IF jc_role() IS DISTINCT FROM ''committee'' THEN '
              'RAISE EXCEPTION ''Committee figures are for the Committee'' '
              'USING ERRCODE = ''42501''; END IF;');
          END LOOP;
        END $$
        """
    )
    # Final is final; a case's record key and tabulation are the database's.
    execute_each(
        f"""
        REVOKE INSERT ON cases FROM {APP};
        REVOKE UPDATE (tabulated, record_key) ON cases FROM {APP};
        """
    )
    op.execute(
        f"""
        DO $$
        DECLARE
          columns text;
        BEGIN
          SELECT string_agg(quote_ident(attname), ', ') INTO columns FROM pg_attribute
          WHERE attrelid = 'cases'::regclass AND attnum > 0 AND NOT attisdropped
            AND attname NOT IN ('record_key', 'tabulated');
          EXECUTE format('GRANT INSERT (%s) ON cases TO {APP}', columns);
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION cases_final_is_final() RETURNS trigger
        LANGUAGE plpgsql {DEFINER} AS $$
        DECLARE
          changed jsonb;
        BEGIN
          IF NEW.release_id IS NOT NULL AND NEW.release_id IS DISTINCT FROM OLD.release_id
             AND NOT EXISTS (SELECT 1 FROM releases r
                             WHERE r.id = NEW.release_id AND r.party_id = NEW.party_id) THEN
            RAISE EXCEPTION 'a case is released only into a release of its own party'
              USING ERRCODE = '42501';
          END IF;
          IF OLD.state <> 'final' THEN
            RETURN NEW;
          END IF;
          IF OLD.release_id IS NOT NULL AND NEW.release_id IS DISTINCT FROM OLD.release_id THEN
            RAISE EXCEPTION 'a released case stays in its release' USING ERRCODE = '42501';
          END IF;
          changed := (to_jsonb(NEW) - 'release_id' - 'tabulated' - 'updated_at' - 'version')
                     - ARRAY(SELECT key FROM jsonb_each(to_jsonb(OLD)) o
                             WHERE to_jsonb(NEW) -> o.key = o.value);
          IF changed <> '{{}}'::jsonb THEN
            RAISE EXCEPTION 'a final case cannot change (%)',
              (SELECT string_agg(key, ', ') FROM jsonb_object_keys(changed) key)
              USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER cases_final_is_final BEFORE UPDATE ON cases
          FOR EACH ROW EXECUTE FUNCTION cases_final_is_final()
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION releases_hold_k() RETURNS trigger
        LANGUAGE plpgsql {DEFINER} AS $$
        DECLARE
          code_k integer;
          smallest bigint;
        BEGIN
          SELECT r.k INTO code_k FROM code_rules r WHERE r.code_version = NEW.code_version;
          IF code_k IS NULL OR NEW.k < code_k THEN
            RAISE EXCEPTION 'a release keeps the code''s k (%)', code_k USING ERRCODE = '42501';
          END IF;
          SELECT min(n) INTO smallest FROM (
            SELECT count(*) AS n FROM published_outcomes o WHERE o.release_id = NEW.id
            GROUP BY o.party_id, o.release_id,
                     to_jsonb(o) - 'id' - 'party_id' - 'release_id'
          ) classes;
          IF smallest IS NOT NULL AND smallest < NEW.k THEN
            RAISE EXCEPTION 'a release holds classes of at least k records (found %)', smallest
              USING ERRCODE = '42501';
          END IF;
          RETURN NULL;
        END $$
        """
    )
    op.execute(
        """
        CREATE CONSTRAINT TRIGGER releases_hold_k AFTER INSERT ON releases
          DEFERRABLE INITIALLY DEFERRED
          FOR EACH ROW EXECUTE FUNCTION releases_hold_k()
        """
    )


def downgrade() -> None:
    raise NotImplementedError("0014 changes who may do what; restore from a backup instead")
