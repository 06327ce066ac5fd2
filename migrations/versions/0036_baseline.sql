-- Migration 0036's baseline: the schema that migrations 0001 to 0036 built, as pg_dump
-- printed it from a database migrated through them (decision 0020). History: frozen, never
-- edited. What the database runs today is in db/sql/; later changes are later migrations.
SET LOCAL statement_timeout = 0;
SET LOCAL lock_timeout = 0;
SET LOCAL idle_in_transaction_session_timeout = 0;
SET LOCAL standard_conforming_strings = on;
SET LOCAL check_function_bodies = false;
SET LOCAL xmloption = content;
SET LOCAL client_min_messages = warning;
SET LOCAL row_security = off;

CREATE FUNCTION public.add_to_report(receipt text, hash bytea, opened_hash bytea, resealed bytea) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          UPDATE reports r SET sealed = resealed
            WHERE r.code = receipt AND r.secret_hash = hash AND r.sealed IS NOT NULL
              AND sha256(r.sealed) = opened_hash
              AND (r.status = 'received' OR (r.status = 'accepted' AND NOT EXISTS (
                     SELECT 1 FROM cases c WHERE c.id = r.case_id
                       AND c.state IN ('final', 'closed_out_of_scope', 'withdrawn', 'respondent_left'))));
          RETURN FOUND;
        END $$;

CREATE FUNCTION public.attach_evidence(receipt text, hash bytea, kind text, size integer, sealed_file bytea, max_files integer) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        DECLARE
          r reports%ROWTYPE;
          made uuid;
        BEGIN
          SELECT * INTO r FROM reports WHERE code = receipt AND secret_hash = hash
            AND sealed IS NOT NULL FOR UPDATE;
          IF NOT FOUND OR NOT (r.status = 'received' OR (r.status = 'accepted' AND NOT EXISTS (
               SELECT 1 FROM cases c WHERE c.id = r.case_id AND c.state IN ('final', 'closed_out_of_scope', 'withdrawn', 'respondent_left')))) THEN
            RETURN NULL;
          END IF;
          IF (SELECT count(*) FROM report_evidence e WHERE e.report_id = r.id)
             >= least(max_files, 20) THEN
            RAISE EXCEPTION 'at most % files per report', least(max_files, 20)
              USING ERRCODE = '54000';
          END IF;
          INSERT INTO report_evidence (report_id, party_id, media_type, size_bytes, sealed)
          VALUES (r.id, r.party_id, kind, size, sealed_file) RETURNING id INTO made;
          UPDATE reports SET updated_at = now() WHERE id = r.id;
          RETURN made;
        END $$;

CREATE FUNCTION public.bump_public_epoch() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          UPDATE public_epoch SET epoch = epoch + 1;
          RETURN NULL;
        END $$;

CREATE FUNCTION public.cases_final_is_final() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        DECLARE
          probe cases;
          old_row jsonb;
          new_row jsonb;
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
          probe := NEW;
          probe.release_id := OLD.release_id;
          probe.tabulated := OLD.tabulated;
          probe.updated_at := OLD.updated_at;
          probe.version := OLD.version;
          IF probe IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
          END IF;
          old_row := to_jsonb(OLD) - 'release_id' - 'tabulated' - 'updated_at' - 'version';
          new_row := to_jsonb(NEW) - 'release_id' - 'tabulated' - 'updated_at' - 'version';
          changed := new_row - ARRAY(SELECT o.key FROM jsonb_each(old_row) o
                                     WHERE new_row -> o.key = o.value);
          -- erasure: a personal field set to null
          changed := changed - ARRAY(SELECT k FROM unnest(ARRAY['summary',
                                     'respondent_pseudonym']) k WHERE changed -> k = 'null');
          IF changed <> '{}'::jsonb THEN
            RAISE EXCEPTION 'a final case cannot change (%)',
              (SELECT string_agg(key, ', ') FROM jsonb_object_keys(changed) key)
              USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $$;

CREATE FUNCTION public.cases_released_from_closed_years() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          IF NEW.release_id IS NOT NULL AND OLD.release_id IS NULL AND (
               NEW.state <> 'final' OR NOT NEW.tabulated OR NEW.finalised_on IS NULL
               OR NEW.finalised_on > coalesce(
                 (SELECT max(make_date(extract(year FROM e.period_end + 1)::int, 1, 1) - 1)
                  FROM statistics_editions e), '-infinity'::date)) THEN
            RAISE EXCEPTION 'a release holds final outcomes of closed, published years only'
              USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $$;

CREATE FUNCTION public.chain_heads() RETURNS TABLE(party text, audit_hash text, release_number integer, release_hash text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
        $$;

CREATE FUNCTION public.checkpoints_extend_the_newest() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        DECLARE
          newest checkpoints%ROWTYPE;
        BEGIN
          SELECT * INTO newest FROM checkpoints ORDER BY seq DESC LIMIT 1;
          IF NEW.signed IS NULL OR NEW.body IS DISTINCT FROM NEW.signed::jsonb
             OR (NEW.body ->> 'seq')::bigint IS DISTINCT FROM NEW.seq
             OR NEW.seq IS DISTINCT FROM coalesce(newest.seq, 0) + 1
             OR (newest.signed IS NOT NULL AND NEW.body ->> 'previous'
                 IS DISTINCT FROM encode(sha256(convert_to(newest.signed, 'UTF8')), 'hex')) THEN
            RAISE EXCEPTION 'a checkpoint extends the newest one (seq %)', coalesce(newest.seq, 0)
              USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $$;

CREATE FUNCTION public.ckm_perturb(n bigint, key_sum bigint, k integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
          SELECT CASE
            WHEN n IS NULL OR n <= 0 THEN 0
            WHEN n < k THEN CASE WHEN ((key_sum % 256) + 0.5) * k < 256.0 * n THEN k ELSE 0 END
            ELSE greatest(k, n + CASE
              WHEN key_sum % 256 < 13 THEN -2 WHEN key_sum % 256 < 64 THEN -1
              WHEN key_sum % 256 < 192 THEN 0 WHEN key_sum % 256 < 243 THEN 1 ELSE 2 END)
          END
        $$;

CREATE FUNCTION public.committee_period_figures(from_date date, to_date date, today date, k integer, start_month integer, band_starts integer[]) RETURNS TABLE(party_id uuid, metric text, value bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          IF jc_role() IS DISTINCT FROM 'committee' THEN
            RAISE EXCEPTION 'Committee figures are for the Committee' USING ERRCODE = '42501';
          END IF;
          
          IF k IS NULL OR k < (SELECT max(r.k) FROM code_rules r) THEN
            RAISE EXCEPTION 'published counts keep the code''s k' USING ERRCODE = '42501';
          END IF;
          IF to_date + (SELECT max(r.settling_days) FROM code_rules r) > current_date THEN
            RAISE EXCEPTION 'figures for % to % are published on %', from_date, to_date,
              to_date + (SELECT max(r.settling_days) FROM code_rules r)
              USING ERRCODE = '42501';
          END IF;

          
          PERFORM pg_advisory_xact_lock(hashtextextended('committee_editions', 0));
          IF NOT EXISTS (SELECT 1 FROM committee_editions e
                         WHERE e.period_start = from_date AND e.period_end = to_date) THEN
            INSERT INTO committee_editions (period_start, period_end, figures, sanctions)
            SELECT from_date, to_date,
              (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'party', f.party_id, 'metric', f.metric, 'value', f.value)), '[]')
               FROM committee_period_figures_live(from_date, to_date, current_date, k,
                                                  start_month, band_starts) f),
              (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'party', s.party_id, 'severity', s.severity, 'sanction', s.sanction,
                 'value', s.value)), '[]')
               FROM committee_period_sanctions_live(from_date, to_date, k, start_month) s);
          END IF;

          RETURN QUERY
            SELECT (x ->> 'party')::uuid, x ->> 'metric', (x ->> 'value')::bigint
            FROM committee_editions e, jsonb_array_elements(e.figures) x
            WHERE e.period_start = from_date AND e.period_end = to_date;
        END $$;

CREATE FUNCTION public.committee_period_figures_live(from_date date, to_date date, today date, k integer, start_month integer, band_starts integer[]) RETURNS TABLE(party_id uuid, metric text, value bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$ BEGIN
          
  IF NOT (extract(day FROM from_date) = 1 AND (
       (extract(month FROM from_date)::int % 3 = 1
        AND to_date = (from_date + interval '3 months' - interval '1 day')::date)
       OR ((extract(month FROM from_date)::int IN (1, start_month))
        AND to_date = (from_date + interval '1 year' - interval '1 day')::date))) THEN
    RAISE EXCEPTION 'not a fixed reporting period: % to %', from_date, to_date
      USING ERRCODE = '22023';
  END IF;

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
              ('open', c.state IN ('received', 'triaged', 'under_assessment')),
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
        END $$;

CREATE FUNCTION public.committee_period_sanctions(from_date date, to_date date, k integer, start_month integer) RETURNS TABLE(party_id uuid, severity integer, sanction text, value bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        DECLARE
          band_starts integer[] := ARRAY[0];
        BEGIN
          IF jc_role() IS DISTINCT FROM 'committee' THEN
            RAISE EXCEPTION 'Committee figures are for the Committee' USING ERRCODE = '42501';
          END IF;
          
          IF k IS NULL OR k < (SELECT max(r.k) FROM code_rules r) THEN
            RAISE EXCEPTION 'published counts keep the code''s k' USING ERRCODE = '42501';
          END IF;
          IF to_date + (SELECT max(r.settling_days) FROM code_rules r) > current_date THEN
            RAISE EXCEPTION 'figures for % to % are published on %', from_date, to_date,
              to_date + (SELECT max(r.settling_days) FROM code_rules r)
              USING ERRCODE = '42501';
          END IF;

          IF NOT EXISTS (SELECT 1 FROM committee_editions e
                         WHERE e.period_start = from_date AND e.period_end = to_date) THEN
            RAISE EXCEPTION 'ask for the period''s figures first' USING ERRCODE = '55000';
          END IF;
          RETURN QUERY
            SELECT (x ->> 'party')::uuid, (x ->> 'severity')::integer, x ->> 'sanction',
                   (x ->> 'value')::bigint
            FROM committee_editions e, jsonb_array_elements(e.sanctions) x
            WHERE e.period_start = from_date AND e.period_end = to_date;
        END $$;

CREATE FUNCTION public.committee_period_sanctions_live(from_date date, to_date date, k integer, start_month integer) RETURNS TABLE(party_id uuid, severity integer, sanction text, value bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$ BEGIN
          
  IF NOT (extract(day FROM from_date) = 1 AND (
       (extract(month FROM from_date)::int % 3 = 1
        AND to_date = (from_date + interval '3 months' - interval '1 day')::date)
       OR ((extract(month FROM from_date)::int IN (1, start_month))
        AND to_date = (from_date + interval '1 year' - interval '1 day')::date))) THEN
    RAISE EXCEPTION 'not a fixed reporting period: % to %', from_date, to_date
      USING ERRCODE = '22023';
  END IF;

          RETURN QUERY
          SELECT s.party_id, s.severity, s.sanction,
                 ckm_perturb(sum(s.n)::bigint, sum(s.key_sum)::bigint, k)
          FROM committee_sanctions s WHERE s.received_on BETWEEN from_date AND to_date
          GROUP BY GROUPING SETS ((s.party_id, s.severity, s.sanction), (s.party_id, s.severity),
                                  (s.severity, s.sanction), (s.severity));
        END $$;

CREATE FUNCTION public.committee_rollup_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
            BEGIN
              
      INSERT INTO committee_counts AS t (party_id, received_on, state, decided, on_time, appealed, published, n, key_sum)
      SELECT party_id, received_on, state, decided, on_time, appealed, published, sum(delta), sum(delta * record_key)
      FROM (
  SELECT r.party_id, r.received_on, r.state, r.decided_on IS NOT NULL AS decided,
         coalesce(r.decided_on <= r.decide_due, false) AS on_time,
         r.appeal_lodged_on IS NOT NULL AS appealed, r.release_id IS NOT NULL AS published,
         r.record_key
, 1 AS delta FROM new_rows r WHERE true) AS d
      GROUP BY party_id, received_on, state, decided, on_time, appealed, published HAVING sum(delta) <> 0 OR sum(delta * record_key) <> 0
      ON CONFLICT (party_id, received_on, state, decided, on_time, appealed, published)
      DO UPDATE SET n = t.n + EXCLUDED.n, key_sum = t.key_sum + EXCLUDED.key_sum;
    
      INSERT INTO committee_days AS t (party_id, received_on, days, n, key_sum)
      SELECT party_id, received_on, days, sum(delta), sum(delta * record_key)
      FROM (
  SELECT r.party_id, r.received_on, r.decided_on - r.received_on AS days, r.record_key
, 1 AS delta FROM new_rows r WHERE r.decided_on IS NOT NULL) AS d
      GROUP BY party_id, received_on, days HAVING sum(delta) <> 0 OR sum(delta * record_key) <> 0
      ON CONFLICT (party_id, received_on, days)
      DO UPDATE SET n = t.n + EXCLUDED.n, key_sum = t.key_sum + EXCLUDED.key_sum;
    
      INSERT INTO committee_due AS t (party_id, received_on, next_due, n, key_sum)
      SELECT party_id, received_on, next_due, sum(delta), sum(delta * record_key)
      FROM (
  SELECT r.party_id, r.received_on,
         CASE WHEN r.state = 'appealed' THEN r.appeal_decide_due
              ELSE least(
                CASE WHEN r.acknowledged_on IS NULL THEN r.acknowledge_due END,
                CASE WHEN r.state = 'received' THEN r.triage_due END,
                r.decide_due) END AS next_due, r.record_key
, 1 AS delta FROM new_rows r WHERE r.state IN ('received', 'triaged', 'under_assessment') OR r.state = 'appealed') AS d
      GROUP BY party_id, received_on, next_due HAVING sum(delta) <> 0 OR sum(delta * record_key) <> 0
      ON CONFLICT (party_id, received_on, next_due)
      DO UPDATE SET n = t.n + EXCLUDED.n, key_sum = t.key_sum + EXCLUDED.key_sum;
    
      INSERT INTO committee_sanctions AS t (party_id, received_on, severity, sanction, n, key_sum)
      SELECT party_id, received_on, severity, sanction, sum(delta), sum(delta * record_key)
      FROM (
  SELECT r.party_id, r.received_on, r.severity_level AS severity,
         CASE WHEN r.appeal_outcome IN ('varied', 'overturned') THEN r.appeal_sanction
              ELSE r.sanction END AS sanction, r.record_key
, 1 AS delta FROM new_rows r WHERE r.decided_on IS NOT NULL AND r.severity_level IS NOT NULL) AS d
      GROUP BY party_id, received_on, severity, sanction HAVING sum(delta) <> 0 OR sum(delta * record_key) <> 0
      ON CONFLICT (party_id, received_on, severity, sanction)
      DO UPDATE SET n = t.n + EXCLUDED.n, key_sum = t.key_sum + EXCLUDED.key_sum;
    
              RETURN NULL;
            END $$;

CREATE FUNCTION public.committee_rollup_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
            BEGIN
              
      INSERT INTO committee_counts AS t (party_id, received_on, state, decided, on_time, appealed, published, n, key_sum)
      SELECT party_id, received_on, state, decided, on_time, appealed, published, sum(delta), sum(delta * record_key)
      FROM (
  SELECT r.party_id, r.received_on, r.state, r.decided_on IS NOT NULL AS decided,
         coalesce(r.decided_on <= r.decide_due, false) AS on_time,
         r.appeal_lodged_on IS NOT NULL AS appealed, r.release_id IS NOT NULL AS published,
         r.record_key
, 1 AS delta FROM new_rows r WHERE true UNION ALL 
  SELECT r.party_id, r.received_on, r.state, r.decided_on IS NOT NULL AS decided,
         coalesce(r.decided_on <= r.decide_due, false) AS on_time,
         r.appeal_lodged_on IS NOT NULL AS appealed, r.release_id IS NOT NULL AS published,
         r.record_key
, -1 AS delta FROM old_rows r WHERE true) AS d
      GROUP BY party_id, received_on, state, decided, on_time, appealed, published HAVING sum(delta) <> 0 OR sum(delta * record_key) <> 0
      ON CONFLICT (party_id, received_on, state, decided, on_time, appealed, published)
      DO UPDATE SET n = t.n + EXCLUDED.n, key_sum = t.key_sum + EXCLUDED.key_sum;
    
      INSERT INTO committee_days AS t (party_id, received_on, days, n, key_sum)
      SELECT party_id, received_on, days, sum(delta), sum(delta * record_key)
      FROM (
  SELECT r.party_id, r.received_on, r.decided_on - r.received_on AS days, r.record_key
, 1 AS delta FROM new_rows r WHERE r.decided_on IS NOT NULL UNION ALL 
  SELECT r.party_id, r.received_on, r.decided_on - r.received_on AS days, r.record_key
, -1 AS delta FROM old_rows r WHERE r.decided_on IS NOT NULL) AS d
      GROUP BY party_id, received_on, days HAVING sum(delta) <> 0 OR sum(delta * record_key) <> 0
      ON CONFLICT (party_id, received_on, days)
      DO UPDATE SET n = t.n + EXCLUDED.n, key_sum = t.key_sum + EXCLUDED.key_sum;
    
      INSERT INTO committee_due AS t (party_id, received_on, next_due, n, key_sum)
      SELECT party_id, received_on, next_due, sum(delta), sum(delta * record_key)
      FROM (
  SELECT r.party_id, r.received_on,
         CASE WHEN r.state = 'appealed' THEN r.appeal_decide_due
              ELSE least(
                CASE WHEN r.acknowledged_on IS NULL THEN r.acknowledge_due END,
                CASE WHEN r.state = 'received' THEN r.triage_due END,
                r.decide_due) END AS next_due, r.record_key
, 1 AS delta FROM new_rows r WHERE r.state IN ('received', 'triaged', 'under_assessment') OR r.state = 'appealed' UNION ALL 
  SELECT r.party_id, r.received_on,
         CASE WHEN r.state = 'appealed' THEN r.appeal_decide_due
              ELSE least(
                CASE WHEN r.acknowledged_on IS NULL THEN r.acknowledge_due END,
                CASE WHEN r.state = 'received' THEN r.triage_due END,
                r.decide_due) END AS next_due, r.record_key
, -1 AS delta FROM old_rows r WHERE r.state IN ('received', 'triaged', 'under_assessment') OR r.state = 'appealed') AS d
      GROUP BY party_id, received_on, next_due HAVING sum(delta) <> 0 OR sum(delta * record_key) <> 0
      ON CONFLICT (party_id, received_on, next_due)
      DO UPDATE SET n = t.n + EXCLUDED.n, key_sum = t.key_sum + EXCLUDED.key_sum;
    
      INSERT INTO committee_sanctions AS t (party_id, received_on, severity, sanction, n, key_sum)
      SELECT party_id, received_on, severity, sanction, sum(delta), sum(delta * record_key)
      FROM (
  SELECT r.party_id, r.received_on, r.severity_level AS severity,
         CASE WHEN r.appeal_outcome IN ('varied', 'overturned') THEN r.appeal_sanction
              ELSE r.sanction END AS sanction, r.record_key
, 1 AS delta FROM new_rows r WHERE r.decided_on IS NOT NULL AND r.severity_level IS NOT NULL UNION ALL 
  SELECT r.party_id, r.received_on, r.severity_level AS severity,
         CASE WHEN r.appeal_outcome IN ('varied', 'overturned') THEN r.appeal_sanction
              ELSE r.sanction END AS sanction, r.record_key
, -1 AS delta FROM old_rows r WHERE r.decided_on IS NOT NULL AND r.severity_level IS NOT NULL) AS d
      GROUP BY party_id, received_on, severity, sanction HAVING sum(delta) <> 0 OR sum(delta * record_key) <> 0
      ON CONFLICT (party_id, received_on, severity, sanction)
      DO UPDATE SET n = t.n + EXCLUDED.n, key_sum = t.key_sum + EXCLUDED.key_sum;
    
              RETURN NULL;
            END $$;

CREATE FUNCTION public.enrolments_need_consent() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          NEW.needs_consent := EXISTS (SELECT 1 FROM tokens t
                                       WHERE t.party_id = NEW.party_id
                                         AND t.role = 'party_admin');
          NEW.approved_at := NULL;
          NEW.approved_by := NULL;
          NEW.used_at := NULL;
          NEW.token_id := NULL;
          RETURN NEW;
        END $$;

CREATE FUNCTION public.fold_case_reads() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        DECLARE
          v_from xid8;
          v_to xid8;
          touched bigint;
        BEGIN
          PERFORM pg_advisory_xact_lock(hashtext('fold_case_reads'));
          SELECT upto INTO v_from FROM case_read_fold;
          -- every transaction before this one has ended: its reads are all visible now
          v_to := pg_snapshot_xmin(pg_current_snapshot());
          IF v_to <= v_from THEN
            RETURN 0;
          END IF;
          INSERT INTO case_read_counts AS t (case_id, party_id, n)
            SELECT case_id, party_id, count(*) FROM case_reads
            WHERE xid >= v_from AND xid < v_to GROUP BY case_id, party_id
            ON CONFLICT (case_id) DO UPDATE SET n = t.n + excluded.n;
          GET DIAGNOSTICS touched = ROW_COUNT;
          UPDATE case_read_fold SET upto = v_to;
          RETURN touched;
        END $$;

CREATE FUNCTION public.jc_approve_enrolment(enrolment uuid) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
        END $$;

CREATE FUNCTION public.jc_bind_operator(party uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          PERFORM jc_set_binding('operator', NULL, party);
        END $$;

CREATE FUNCTION public.jc_bind_token(secret text) RETURNS TABLE(token_id uuid, role text, party_id uuid)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
        END $$;

CREATE FUNCTION public.jc_chain_head(chain uuid) RETURNS TABLE(seq bigint, hash text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
        END $$;

CREATE FUNCTION public.jc_enrol(code text, token_hash bytea, display_prefix text, label text) RETURNS TABLE(token_id uuid, party_id uuid)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
        END $$;

CREATE FUNCTION public.jc_here() RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
          SELECT pg_backend_pid()::text || '@'
                 || (extract(epoch FROM transaction_timestamp()) * 1000000)::bigint::text
        $$;

CREATE FUNCTION public.jc_party() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
          SELECT party FROM jc_viewer() WHERE role IN ('officer', 'party_admin', 'operator')
        $$;

CREATE FUNCTION public.jc_revoke_by_secret(secret text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        DECLARE
          found uuid;
        BEGIN
          UPDATE tokens SET revoked_at = coalesce(revoked_at, now())
          WHERE token_hash = sha256(convert_to(secret, 'UTF8')) RETURNING id INTO found;
          RETURN found;
        END $$;

CREATE FUNCTION public.jc_role() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
          SELECT role FROM jc_viewer()
        $$;

CREATE FUNCTION public.jc_seal(payload text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
          SELECT encode(sha256(k.key || sha256(k.key || convert_to(payload, 'UTF8'))), 'hex')
          FROM binding_key k
        $$;

CREATE FUNCTION public.jc_set_binding(role text, token uuid, party uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        DECLARE
          payload text := concat_ws('|', role, coalesce(token::text, ''),
                                    coalesce(party::text, ''), jc_here());
        BEGIN
          PERFORM set_config('jointcode.binding', payload || '|' || jc_seal(payload), true);
        END $$;

CREATE FUNCTION public.jc_viewer(OUT role text, OUT token uuid, OUT party uuid) RETURNS record
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
        END $$;

CREATE FUNCTION public.move_evidence(evidence uuid, resealed bytea) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          IF jc_role() NOT IN ('officer', 'party_admin') THEN
            RAISE EXCEPTION 'transfers are for a party''s officers' USING ERRCODE = '42501';
          END IF;
          -- the report has just moved to another party: its files follow, sealed to it
          UPDATE report_evidence e SET party_id = r.party_id, sealed = resealed
            FROM reports r
            WHERE e.id = evidence AND r.id = e.report_id AND e.party_id = jc_party()
              AND r.party_id <> e.party_id;
          RETURN FOUND;
        END $$;

CREATE FUNCTION public.party_private_key() RETURNS bytea
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
          SELECT wrapped_private_key FROM party_seal_keys WHERE party_id = jc_party()
        $$;

CREATE FUNCTION public.public_timeliness(party uuid, from_date date, to_date date, today date, k integer, start_month integer, band_starts integer[]) RETURNS TABLE(metric text, value bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM parties p WHERE p.id = party AND p.publishes_timeliness)
          THEN
            RAISE EXCEPTION 'this party does not publish its timeliness figures'
              USING ERRCODE = '42501';
          END IF;
          
          IF k IS NULL OR k < (SELECT max(r.k) FROM code_rules r) THEN
            RAISE EXCEPTION 'published counts keep the code''s k' USING ERRCODE = '42501';
          END IF;
          IF to_date + (SELECT max(r.settling_days) FROM code_rules r) > current_date THEN
            RAISE EXCEPTION 'figures for % to % are published on %', from_date, to_date,
              to_date + (SELECT max(r.settling_days) FROM code_rules r)
              USING ERRCODE = '42501';
          END IF;

          IF current_setting('transaction_read_only') = 'on' THEN
            NULL;  -- a read replica: the primary's job computes the edition on its date
          ELSE
            
          PERFORM pg_advisory_xact_lock(hashtextextended('committee_editions', 0));
          IF NOT EXISTS (SELECT 1 FROM committee_editions e
                         WHERE e.period_start = from_date AND e.period_end = to_date) THEN
            INSERT INTO committee_editions (period_start, period_end, figures, sanctions)
            SELECT from_date, to_date,
              (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'party', f.party_id, 'metric', f.metric, 'value', f.value)), '[]')
               FROM committee_period_figures_live(from_date, to_date, current_date, k,
                                                  start_month, band_starts) f),
              (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'party', s.party_id, 'severity', s.severity, 'sanction', s.sanction,
                 'value', s.value)), '[]')
               FROM committee_period_sanctions_live(from_date, to_date, k, start_month) s);
          END IF;

          END IF;
          RETURN QUERY
            SELECT x ->> 'metric', (x ->> 'value')::bigint
            FROM committee_editions e, jsonb_array_elements(e.figures) x
            WHERE e.period_start = from_date AND e.period_end = to_date
              AND x ->> 'party' = party::text;
        END $$;

CREATE FUNCTION public.public_timeliness_live(party uuid, from_date date, to_date date, today date, k integer, start_month integer, band_starts integer[]) RETURNS TABLE(metric text, value bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM parties p WHERE p.id = party AND p.publishes_timeliness)
          THEN
            RAISE EXCEPTION 'this party does not publish its timeliness figures'
              USING ERRCODE = '42501';
          END IF;
          
  IF NOT (extract(day FROM from_date) = 1 AND (
       (extract(month FROM from_date)::int % 3 = 1
        AND to_date = (from_date + interval '3 months' - interval '1 day')::date)
       OR ((extract(month FROM from_date)::int IN (1, start_month))
        AND to_date = (from_date + interval '1 year' - interval '1 day')::date))) THEN
    RAISE EXCEPTION 'not a fixed reporting period: % to %', from_date, to_date
      USING ERRCODE = '22023';
  END IF;

          RETURN QUERY
          WITH cells AS (
            SELECT m.metric, c.n, c.key_sum
            FROM committee_counts c
            CROSS JOIN LATERAL (VALUES
              ('received', true),
              ('decided', c.decided),
              ('open', c.state IN ('received', 'triaged', 'under_assessment')),
              ('appealed', c.appealed),
              ('decided_on_time', c.on_time),
              ('published', c.published)) AS m(metric, hit)
            WHERE m.hit AND c.party_id = party AND c.received_on BETWEEN from_date AND to_date
            UNION ALL
            SELECT 'open_overdue', d.n, d.key_sum FROM committee_due d
            WHERE d.party_id = party AND d.received_on BETWEEN from_date AND to_date
              AND d.next_due < today
            UNION ALL
            SELECT 'days_band_' || (SELECT max(i) FROM generate_subscripts(band_starts, 1) i
                                    WHERE band_starts[i] <= h.days),
                   h.n, h.key_sum
            FROM committee_days h
            WHERE h.party_id = party AND h.received_on BETWEEN from_date AND to_date
          )
          SELECT cells.metric, ckm_perturb(sum(cells.n)::bigint, sum(cells.key_sum)::bigint, k)
          FROM cells GROUP BY cells.metric;
        END $$;

CREATE FUNCTION public.publish_committee_edition(from_date date, to_date date, k integer, start_month integer, band_starts integer[]) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          
          IF k IS NULL OR k < (SELECT max(r.k) FROM code_rules r) THEN
            RAISE EXCEPTION 'published counts keep the code''s k' USING ERRCODE = '42501';
          END IF;
          IF to_date + (SELECT max(r.settling_days) FROM code_rules r) > current_date THEN
            RAISE EXCEPTION 'figures for % to % are published on %', from_date, to_date,
              to_date + (SELECT max(r.settling_days) FROM code_rules r)
              USING ERRCODE = '42501';
          END IF;

          IF EXISTS (SELECT 1 FROM committee_editions e
                     WHERE e.period_start = from_date AND e.period_end = to_date) THEN
            RETURN false;
          END IF;
          
          PERFORM pg_advisory_xact_lock(hashtextextended('committee_editions', 0));
          IF NOT EXISTS (SELECT 1 FROM committee_editions e
                         WHERE e.period_start = from_date AND e.period_end = to_date) THEN
            INSERT INTO committee_editions (period_start, period_end, figures, sanctions)
            SELECT from_date, to_date,
              (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'party', f.party_id, 'metric', f.metric, 'value', f.value)), '[]')
               FROM committee_period_figures_live(from_date, to_date, current_date, k,
                                                  start_month, band_starts) f),
              (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'party', s.party_id, 'severity', s.severity, 'sanction', s.sanction,
                 'value', s.value)), '[]')
               FROM committee_period_sanctions_live(from_date, to_date, k, start_month) s);
          END IF;

          RETURN true;
        END $$;

CREATE FUNCTION public.publish_report_statistics_edition(wanted text, tables jsonb, families jsonb, groups jsonb, characteristics jsonb, elections jsonb, k integer) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
        DECLARE
          ends date;
        BEGIN
          IF wanted !~ '^[0-9]{4}-Q[1-4]$' THEN
            RAISE EXCEPTION 'an edition is a quarter such as 2026-Q3' USING ERRCODE = '22023';
          END IF;
          
          ends := (make_date(substr(wanted, 1, 4)::integer, substr(wanted, 7, 1)::integer * 3, 1)
                   + interval '1 month - 1 day')::date;

          IF ends + (SELECT max(r.settling_days) FROM code_rules r) > current_date THEN
            RAISE EXCEPTION 'edition % is not due before %', wanted,
              ends + (SELECT max(r.settling_days) FROM code_rules r) USING ERRCODE = '42501';
          END IF;
          PERFORM pg_advisory_xact_lock(hashtextextended('report_statistics_editions', 0));
          RETURN report_statistics_edition_unchecked(wanted, tables, families, groups,
                                                     characteristics, elections, k);
        END $_$;

CREATE FUNCTION public.publish_statistics_edition(wanted text, tables jsonb, hierarchy jsonb, k integer) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
        DECLARE
          ends date;
        BEGIN
          IF wanted !~ '^[0-9]{4}-Q[1-4]$' THEN
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
        END $_$;

CREATE FUNCTION public.published_outcomes_append_never() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        DECLARE
          parts text[];
        BEGIN
          IF TG_OP <> 'INSERT' THEN
            RAISE EXCEPTION 'a published release''s records never change' USING ERRCODE = '42501';
          END IF;
          parts := string_to_array(current_setting('jointcode.open_release', true), '|');
          IF parts IS NULL OR cardinality(parts) <> 3 OR parts[1] <> NEW.release_id::text
             OR parts[2] <> jc_here()
             OR parts[3] <> jc_seal(parts[1] || '|' || parts[2]) THEN
            RAISE EXCEPTION 'records are added to a release only as it is published'
              USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $$;

CREATE FUNCTION public.releases_hold_k() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        DECLARE
          code_k integer;
          stored bigint;
          smallest bigint;
        BEGIN
          SELECT r.k INTO code_k FROM code_rules r WHERE r.code_version = NEW.code_version;
          IF code_k IS NULL OR NEW.k < code_k THEN
            RAISE EXCEPTION 'a release keeps the code''s k (%)', code_k USING ERRCODE = '42501';
          END IF;
          SELECT coalesce(sum(n), 0), min(n) INTO stored, smallest FROM (
            SELECT count(*) AS n FROM published_outcomes o WHERE o.release_id = NEW.id
            GROUP BY o.party_id, o.release_id,
                     to_jsonb(o) - 'id' - 'party_id' - 'release_id'
          ) classes;
          IF stored <> NEW.record_count THEN
            RAISE EXCEPTION 'a release holds the % records it names (found %)',
              NEW.record_count, stored USING ERRCODE = '42501';
          END IF;
          IF smallest IS NOT NULL AND smallest < NEW.k THEN
            RAISE EXCEPTION 'a release holds classes of at least k records (found %)', smallest
              USING ERRCODE = '42501';
          END IF;
          RETURN NULL;
        END $$;

CREATE FUNCTION public.releases_open_for_records() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        DECLARE
          payload text := NEW.id::text || '|' || jc_here();
        BEGIN
          PERFORM set_config('jointcode.open_release', payload || '|' || jc_seal(payload), true);
          RETURN NULL;
        END $$;

CREATE FUNCTION public.report_duplicate(party uuid, print bytea) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
          SELECT id FROM reports WHERE party_id = party AND fingerprint = print
            AND duplicate_of IS NULL ORDER BY received_at LIMIT 1
        $$;

CREATE FUNCTION public.report_evidence_erased() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          DELETE FROM report_evidence WHERE report_id = NEW.id;
          RETURN NULL;
        END $$;

CREATE FUNCTION public.report_for_receipt(receipt text, hash bytea) RETURNS TABLE(party_id uuid, sealed bytea, wrapped_private_key bytea)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
          SELECT r.party_id, r.sealed, k.wrapped_private_key
          FROM reports r JOIN party_seal_keys k ON k.party_id = r.party_id
          WHERE r.code = receipt AND r.secret_hash = hash AND r.sealed IS NOT NULL
        $$;

CREATE FUNCTION public.report_statistics_edition_unchecked(wanted text, tables jsonb, families jsonb, groups jsonb, characteristics jsonb, elections jsonb, k integer) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
        DECLARE
          t record;
          ends date;
          starts date;
          year_starts date;
          dims text;
          keys text;
          source text;
          window_start date;
        BEGIN
          IF wanted !~ '^[0-9]{4}-Q[1-4]$' THEN
            RAISE EXCEPTION 'an edition is a quarter such as 2026-Q3' USING ERRCODE = '22023';
          END IF;
          IF k IS NULL OR k < (SELECT max(r.k) FROM code_rules r) THEN
            RAISE EXCEPTION 'published counts keep the code''s k' USING ERRCODE = '42501';
          END IF;
          
          ends := (make_date(substr(wanted, 1, 4)::integer, substr(wanted, 7, 1)::integer * 3, 1)
                   + interval '1 month - 1 day')::date;

          starts := (date_trunc('quarter', ends))::date;
          year_starts := make_date(extract(year FROM ends)::integer, 1, 1);
          IF EXISTS (SELECT 1 FROM report_statistics_editions e WHERE e.period_end >= ends) THEN
            RETURN false;  -- published already, or a later one is: cells are never redone
          END IF;
          DROP TABLE IF EXISTS pg_temp.jc_report_base, pg_temp.jc_report_family,
            pg_temp.jc_report_characteristic;
          CREATE TEMP TABLE jc_report_base ON COMMIT DROP AS
            SELECT r.record_key,
                   extract(year FROM r.received_on)::int AS year,
                   to_char(r.received_on, 'YYYY') || '-Q' || extract(quarter FROM r.received_on)
                     AS quarter,
                   r.received_on,
                   coalesce(groups ->> r.channel, 'other') AS channel_group,
                   r.reporter_kind,
                   coalesce((SELECT e ->> 'kind' FROM jsonb_array_elements(elections) e
                             WHERE r.occurred_from BETWEEN (e ->> 'start')::date
                                                       AND (e ->> 'end')::date
                             ORDER BY e ->> 'kind' LIMIT 1), 'none') AS election_period,
                   CASE r.status WHEN 'received' THEN 'open'
                                 WHEN 'declined' THEN 'declined_' || r.decline_reason
                                 ELSE r.status END AS outcome,
                   r.provisions, r.forms_of_hate
            FROM reports r
            WHERE r.duplicate_of IS NULL AND r.received_on BETWEEN year_starts AND ends;
          CREATE TEMP TABLE jc_report_family ON COMMIT DROP AS
            SELECT b.*, f.family FROM jc_report_base b,
              LATERAL (SELECT DISTINCT families ->> p AS family FROM unnest(b.provisions) p
                       WHERE families ? p) f;
          CREATE TEMP TABLE jc_report_characteristic ON COMMIT DROP AS
            SELECT b.*, c.characteristic FROM jc_report_base b,
              LATERAL (SELECT DISTINCT characteristics ->> f AS characteristic
                       FROM unnest(b.forms_of_hate) f WHERE characteristics ? f) c;
          FOR t IN SELECT * FROM jsonb_to_recordset(tables) AS x(id text, dimensions text[])
          LOOP
            IF 'quarter' = ANY(t.dimensions) THEN
              window_start := starts;  -- the new quarter's cells
            ELSIF 'year' = ANY(t.dimensions) AND extract(month FROM ends) = 12 THEN
              window_start := year_starts;  -- the year's cells, once it has ended
            ELSE
              CONTINUE;  -- a year still under way, or all time (derived below)
            END IF;
            source := CASE WHEN 'family' = ANY(t.dimensions) THEN 'jc_report_family'
                           WHEN 'characteristic' = ANY(t.dimensions)
                             THEN 'jc_report_characteristic'
                           ELSE 'jc_report_base' END;
            SELECT coalesce(string_agg(format('%L, %I', d, d), ', '), ''),
                   coalesce(string_agg(format('%I', d), ', '), '')
              INTO dims, keys FROM unnest(t.dimensions) d;
            EXECUTE format(
              'INSERT INTO report_statistics (table_id, cell, count, computed_on) '
              'SELECT %L, jsonb_build_object(%s), ckm_perturb(count(*), sum(record_key), %s), '
              'current_date FROM pg_temp.%I WHERE received_on BETWEEN %L AND %L %s '
              'HAVING ckm_perturb(count(*), sum(record_key), %s) > 0',
              t.id, dims, k, source, window_start, ends,
              CASE WHEN keys = '' THEN '' ELSE 'GROUP BY ' || keys END, k);
          END LOOP;
          -- all time: the sums of the published year cells, nothing they do not tell
          FOR t IN SELECT * FROM jsonb_to_recordset(tables) AS x(id text, dimensions text[])
                   WHERE NOT ('year' = ANY(x.dimensions) OR 'quarter' = ANY(x.dimensions))
          LOOP
            DELETE FROM report_statistics s WHERE s.table_id = t.id;
            INSERT INTO report_statistics (table_id, cell, count, computed_on)
            SELECT t.id, y.cell - 'year', sum(y.count), current_date
            FROM report_statistics y
            WHERE y.table_id = CASE WHEN t.id = 'total' THEN 'year' ELSE 'year+' || t.id END
            GROUP BY y.cell - 'year';
          END LOOP;
          INSERT INTO report_statistics_editions (edition, period_end) VALUES (wanted, ends);
          RETURN true;
        END $_$;

CREATE FUNCTION public.report_status(receipt text, hash bytea) RETURNS TABLE(status text, received_on date, received_at timestamp with time zone, decline_reason text, case_state text, sanction text, decided_on date, appeal_window_ends date, appeal_outcome text, appeal_sanction text, appeal_decided_on date, party_id uuid, has_contents boolean)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
          SELECT r.status, r.received_on, r.received_at, r.decline_reason, c.state,
                 c.sanction, c.decided_on, c.appeal_window_ends, c.appeal_outcome,
                 c.appeal_sanction, c.appeal_decided_on, r.party_id, r.sealed IS NOT NULL
          FROM reports r LEFT JOIN cases c ON c.id = r.case_id
          WHERE r.code = receipt AND r.secret_hash = hash
        $$;

CREATE FUNCTION public.reporter_notifications_due(max_count integer) RETURNS TABLE(id uuid, code text, notify_sealed bytea, notified_status text, status text, received_on date, received_at timestamp with time zone, decline_reason text, case_state text, sanction text, decided_on date, appeal_window_ends date, appeal_outcome text, appeal_sanction text, appeal_decided_on date, party_id uuid, has_contents boolean)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
          SELECT r.id, r.code, r.notify_sealed, r.notified_status, r.status, r.received_on,
                 r.received_at, r.decline_reason, c.state, c.sanction, c.decided_on,
                 c.appeal_window_ends, c.appeal_outcome, c.appeal_sanction,
                 c.appeal_decided_on, r.party_id, r.sealed IS NOT NULL
          FROM reports r LEFT JOIN cases c ON c.id = r.case_id
          WHERE r.notify_sealed IS NOT NULL
          ORDER BY r.received_at LIMIT least(greatest(max_count, 1), 1000)
        $$;

CREATE FUNCTION public.reporter_notified(report uuid, sent_status text, last boolean) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
          UPDATE reports SET notified_status = sent_status,
                             notify_sealed = CASE WHEN last THEN NULL ELSE notify_sealed END
          WHERE id = report AND notify_sealed IS NOT NULL
        $$;

CREATE FUNCTION public.reports_touch() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          NEW.updated_at := now();
          RETURN NEW;
        END $$;

CREATE FUNCTION public.reports_webhooks() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            PERFORM webhook_enqueue(NEW.party_id, 'report.received', jsonb_build_object('report_id', NEW.id, 'node_id', translate(encode(convert_to('Report:' || NEW.id::text, 'UTF8'), 'base64'), '+/', '-_'), 'code', NEW.code, 'received_on', NEW.received_on, 'status', NEW.status, 'respondent_role', NEW.respondent_role, 'channel', NEW.channel, 'provisions', to_jsonb(NEW.provisions), 'forms_of_hate', to_jsonb(NEW.forms_of_hate), 'reporter_kind', NEW.reporter_kind, 'duplicate_of', NEW.duplicate_of), NULL);
          ELSIF NEW.party_id IS DISTINCT FROM OLD.party_id THEN
            PERFORM webhook_enqueue(NEW.party_id, 'report.transferred_in', jsonb_build_object('report_id', NEW.id, 'node_id', translate(encode(convert_to('Report:' || NEW.id::text, 'UTF8'), 'base64'), '+/', '-_'), 'code', NEW.code, 'received_on', NEW.received_on, 'status', NEW.status, 'respondent_role', NEW.respondent_role, 'channel', NEW.channel, 'provisions', to_jsonb(NEW.provisions), 'forms_of_hate', to_jsonb(NEW.forms_of_hate), 'reporter_kind', NEW.reporter_kind, 'duplicate_of', NEW.duplicate_of), NULL);
          ELSIF NEW.status = 'withdrawn' AND OLD.status <> 'withdrawn' THEN
            PERFORM webhook_enqueue(NEW.party_id, 'report.withdrawn', jsonb_build_object('report_id', NEW.id, 'node_id', translate(encode(convert_to('Report:' || NEW.id::text, 'UTF8'), 'base64'), '+/', '-_'), 'code', NEW.code, 'received_on', NEW.received_on, 'status', NEW.status, 'respondent_role', NEW.respondent_role, 'channel', NEW.channel, 'provisions', to_jsonb(NEW.provisions), 'forms_of_hate', to_jsonb(NEW.forms_of_hate), 'reporter_kind', NEW.reporter_kind, 'duplicate_of', NEW.duplicate_of), NULL);
          ELSIF NEW.sealed IS NOT NULL AND OLD.sealed IS NOT NULL
                AND NEW.sealed IS DISTINCT FROM OLD.sealed AND NEW.status = OLD.status THEN
            PERFORM webhook_enqueue(NEW.party_id, 'report.information_added', jsonb_build_object('report_id', NEW.id, 'node_id', translate(encode(convert_to('Report:' || NEW.id::text, 'UTF8'), 'base64'), '+/', '-_'), 'code', NEW.code, 'received_on', NEW.received_on, 'status', NEW.status, 'respondent_role', NEW.respondent_role, 'channel', NEW.channel, 'provisions', to_jsonb(NEW.provisions), 'forms_of_hate', to_jsonb(NEW.forms_of_hate), 'reporter_kind', NEW.reporter_kind, 'duplicate_of', NEW.duplicate_of),
                                    NULL);
          END IF;
          RETURN NULL;
        END $$;

CREATE FUNCTION public.statistics_edition_unchecked(wanted text, reason text, tables jsonb, hierarchy jsonb, k integer) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
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
          IF wanted !~ '^[0-9]{4}-Q[1-4]$' THEN
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
                        ELSE round(x.published::numeric / x.cells * 20) / 20 END)), '{}')
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
        END $_$;

CREATE FUNCTION public.tokens_stay_revoked() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
            RAISE EXCEPTION 'a revoked token stays revoked' USING ERRCODE = '42501';
          END IF;
          RETURN NEW;
        END $$;

CREATE FUNCTION public.transfer_report(report uuid, to_party uuid, resealed bytea) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          IF jc_role() NOT IN ('officer', 'party_admin') THEN
            RAISE EXCEPTION 'transfers are for a party''s officers' USING ERRCODE = '42501';
          END IF;
          UPDATE reports SET party_id = to_party, sealed = resealed, transfers = transfers + 1,
                             duplicate_of = NULL
            WHERE id = report AND party_id = jc_party() AND status = 'received'
              AND to_party <> jc_party();
          RETURN FOUND;
        END $$;

CREATE FUNCTION public.webhook_claim(max_count integer, lease_seconds integer) RETURNS TABLE(delivery_id bigint, message_id text, payload jsonb, url text, wrapped_secret bytea, party_id uuid, attempts integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
        END $$;

CREATE FUNCTION public.webhook_enqueue(party uuid, kind text, data jsonb, key text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        DECLARE
          new_id bigint;
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.party_id = party
                         AND e.disabled_at IS NULL
                         AND (e.event_types = '{}' OR kind = ANY(e.event_types))) THEN
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
            AND (e.event_types = '{}' OR kind = ANY(e.event_types));
        END $$;

CREATE FUNCTION public.webhook_record(delivery bigint, ok boolean, status integer, error text, retry_at timestamp with time zone, dead boolean) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
          UPDATE webhook_deliveries SET
            attempts = attempts + 1,
            last_status = status,
            last_error = left(error, 500),
            delivered_at = CASE WHEN ok THEN now() END,
            dead_at = CASE WHEN NOT ok AND dead THEN now() END,
            next_attempt_at = CASE WHEN ok OR dead THEN next_attempt_at
                                   ELSE greatest(retry_at, now()) END
          WHERE id = delivery AND delivered_at IS NULL AND dead_at IS NULL
        $$;

CREATE FUNCTION public.webhook_redeliver(delivery bigint) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        BEGIN
          IF jc_role() NOT IN ('officer', 'party_admin') THEN
            RAISE EXCEPTION 'redelivery is for a party''s officers' USING ERRCODE = '42501';
          END IF;
          UPDATE webhook_deliveries SET dead_at = NULL, delivered_at = NULL, attempts = 0,
                                        next_attempt_at = now(), last_error = NULL
            WHERE id = delivery AND party_id = jc_party();
          RETURN FOUND;
        END $$;

CREATE FUNCTION public.webhook_scan_deadlines(warn_days integer, triage_days integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
              jsonb_build_object('report_id', r.id, 'node_id', translate(encode(convert_to('Report:' || r.id::text, 'UTF8'), 'base64'), '+/', '-_'),
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
        END $$;

CREATE FUNCTION public.withdraw_report(receipt text, hash bytea) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
        DECLARE
          mine reports%ROWTYPE;
          n integer;
        BEGIN
          SELECT * INTO mine FROM reports
            WHERE code = receipt AND secret_hash = hash AND status = 'received' FOR UPDATE;
          IF NOT FOUND THEN
            RETURN 0;
          END IF;
          UPDATE reports SET status = 'withdrawn', sealed = NULL, notify_sealed = NULL,
                             closed_at = now(), erased_at = now()
            WHERE status = 'received' AND party_id = mine.party_id
              AND (id = mine.id OR (mine.reporter_key IS NOT NULL
                   AND reporter_key = mine.reporter_key
                   AND (duplicate_of = mine.id OR id = mine.duplicate_of
                        OR duplicate_of = mine.duplicate_of)));
          GET DIAGNOSTICS n = ROW_COUNT;
          RETURN n;
        END $$;

SET LOCAL default_tablespace = '';

SET LOCAL default_table_access_method = heap;

CREATE TABLE public.audit_entries (
    id bigint NOT NULL,
    party_id uuid,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    actor text NOT NULL,
    actor_role text NOT NULL,
    action text NOT NULL,
    subject_type text,
    subject_ids uuid[] DEFAULT '{}'::uuid[] NOT NULL,
    details jsonb DEFAULT '{}'::jsonb NOT NULL,
    previous_hash text,
    hash text NOT NULL,
    CONSTRAINT audit_entries_seq_check CHECK ((seq > 0))
);

ALTER TABLE ONLY public.audit_entries FORCE ROW LEVEL SECURITY;

CREATE SEQUENCE public.audit_entries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.audit_entries_id_seq OWNED BY public.audit_entries.id;

CREATE TABLE public.binding_key (
    id boolean DEFAULT true NOT NULL,
    key bytea NOT NULL,
    CONSTRAINT binding_key_id_check CHECK (id)
);

CREATE TABLE public.case_read_counts (
    case_id uuid NOT NULL,
    party_id uuid NOT NULL,
    n bigint NOT NULL
);

ALTER TABLE ONLY public.case_read_counts FORCE ROW LEVEL SECURITY;

CREATE TABLE public.case_read_fold (
    upto xid8 NOT NULL
);

CREATE TABLE public.case_reads (
    id bigint NOT NULL,
    party_id uuid NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    actor text NOT NULL,
    actor_role text NOT NULL,
    case_id uuid NOT NULL,
    xid xid8 DEFAULT pg_current_xact_id() NOT NULL
);

ALTER TABLE ONLY public.case_reads FORCE ROW LEVEL SECURITY;

CREATE SEQUENCE public.case_reads_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.case_reads_id_seq OWNED BY public.case_reads.id;

CREATE TABLE public.cases (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    party_id uuid NOT NULL,
    reference text NOT NULL,
    code_version text NOT NULL,
    received_on date NOT NULL,
    provisions text[] NOT NULL,
    channel text NOT NULL,
    respondent_role text NOT NULL,
    summary text,
    state text DEFAULT 'received'::text NOT NULL,
    findings jsonb,
    sanction text,
    suspension_months integer,
    decided_on date,
    release_id uuid,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    target_role text,
    characteristics text[] DEFAULT '{}'::text[] NOT NULL,
    forms_of_hate text[] DEFAULT '{}'::text[] NOT NULL,
    factors text[] DEFAULT '{}'::text[] NOT NULL,
    referrals text[] DEFAULT '{}'::text[] NOT NULL,
    departure_reason text,
    severity_level integer,
    recommended_lowest text,
    recommended_highest text,
    party_sanction text,
    acknowledged_on date,
    triaged_on date,
    assessment_started_on date,
    assessed_on date,
    assessment_findings jsonb,
    out_of_scope_reason text,
    closed_on date,
    interim_measures jsonb DEFAULT '[]'::jsonb NOT NULL,
    appeal_lodged_on date,
    appellant text,
    appeal_outcome text,
    appeal_decided_on date,
    appeal_sanction text,
    appeal_suspension_months integer,
    finalised_on date,
    complainant_count integer DEFAULT 1 NOT NULL,
    respondent_pseudonym text,
    acknowledge_due date,
    triage_due date,
    decide_due date,
    appeal_window_ends date,
    appeal_decide_due date,
    record_key smallint DEFAULT (floor((random() * (256)::double precision)))::smallint NOT NULL,
    tabulated boolean DEFAULT false NOT NULL,
    CONSTRAINT cases_appeal_outcome_check CHECK ((appeal_outcome = ANY (ARRAY['upheld'::text, 'varied'::text, 'overturned'::text]))),
    CONSTRAINT cases_appellant_check CHECK ((appellant = ANY (ARRAY['complainant'::text, 'respondent'::text]))),
    CONSTRAINT cases_complainant_count_check CHECK ((complainant_count > 0)),
    CONSTRAINT cases_provisions_check CHECK ((cardinality(provisions) > 0)),
    CONSTRAINT cases_record_key_check CHECK (((record_key >= 0) AND (record_key <= 255))),
    CONSTRAINT cases_reference_check CHECK (((length(reference) >= 1) AND (length(reference) <= 100)))
);

ALTER TABLE ONLY public.cases FORCE ROW LEVEL SECURITY;

CREATE TABLE public.checkpoint_cosignatures (
    checkpoint_seq bigint NOT NULL,
    public_key text NOT NULL,
    signature text NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.checkpoint_cosignatures FORCE ROW LEVEL SECURITY;

CREATE TABLE public.checkpoints (
    id bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    body jsonb NOT NULL,
    signature text NOT NULL,
    public_key text NOT NULL,
    seq bigint NOT NULL,
    signed text
);

CREATE SEQUENCE public.checkpoints_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.checkpoints_id_seq OWNED BY public.checkpoints.id;

CREATE TABLE public.code_rules (
    code_version text NOT NULL,
    k integer NOT NULL,
    l_diversity integer NOT NULL,
    settling_days integer DEFAULT 42 NOT NULL,
    CONSTRAINT code_rules_k_check CHECK ((k >= 2)),
    CONSTRAINT code_rules_l_diversity_check CHECK ((l_diversity >= 1)),
    CONSTRAINT code_rules_settling_days_check CHECK (((settling_days >= 0) AND (settling_days <= 366)))
);

CREATE TABLE public.code_versions (
    id text NOT NULL,
    content_hash text NOT NULL,
    title text NOT NULL,
    in_force_from date NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.committee_counts (
    party_id uuid NOT NULL,
    received_on date NOT NULL,
    state text NOT NULL,
    decided boolean NOT NULL,
    on_time boolean NOT NULL,
    appealed boolean NOT NULL,
    published boolean NOT NULL,
    n bigint NOT NULL,
    key_sum bigint DEFAULT 0 NOT NULL
);

CREATE TABLE public.committee_days (
    party_id uuid NOT NULL,
    received_on date NOT NULL,
    days integer NOT NULL,
    n bigint NOT NULL,
    key_sum bigint DEFAULT 0 NOT NULL
);

CREATE TABLE public.committee_due (
    party_id uuid NOT NULL,
    received_on date NOT NULL,
    next_due date NOT NULL,
    n bigint NOT NULL,
    key_sum bigint DEFAULT 0 NOT NULL
);

CREATE TABLE public.committee_editions (
    period_start date NOT NULL,
    period_end date NOT NULL,
    computed_at timestamp with time zone DEFAULT now() NOT NULL,
    figures jsonb NOT NULL,
    sanctions jsonb NOT NULL
);

ALTER TABLE ONLY public.committee_editions FORCE ROW LEVEL SECURITY;

CREATE TABLE public.committee_sanctions (
    party_id uuid NOT NULL,
    received_on date NOT NULL,
    severity integer NOT NULL,
    sanction text NOT NULL,
    n bigint NOT NULL,
    key_sum bigint DEFAULT 0 NOT NULL
);

CREATE TABLE public.enrolments (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    party_id uuid NOT NULL,
    code_hash bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    token_id uuid,
    needs_consent boolean DEFAULT false NOT NULL,
    approved_at timestamp with time zone,
    approved_by text
);

ALTER TABLE ONLY public.enrolments FORCE ROW LEVEL SECURITY;

CREATE TABLE public.parties (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    short_name text NOT NULL,
    is_demo boolean DEFAULT false NOT NULL,
    code_version text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    code_adopted_on date NOT NULL,
    ec_registration text,
    nations text[] DEFAULT '{}'::text[] NOT NULL,
    membership integer,
    publishes_timeliness boolean DEFAULT false NOT NULL,
    CONSTRAINT parties_membership_check CHECK (((membership IS NULL) OR (membership > 0))),
    CONSTRAINT parties_slug_check CHECK ((slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'::text))
);

ALTER TABLE ONLY public.parties FORCE ROW LEVEL SECURITY;

CREATE TABLE public.party_code_adoptions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    party_id uuid NOT NULL,
    code_version text NOT NULL,
    adopted_on date NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    checkpoint_key text
);

CREATE TABLE public.party_keys (
    party_id uuid NOT NULL,
    pseudonym_key bytea NOT NULL
);

ALTER TABLE ONLY public.party_keys FORCE ROW LEVEL SECURITY;

CREATE TABLE public.party_sanctions (
    party_id uuid NOT NULL,
    name text NOT NULL,
    sanction text NOT NULL,
    code_version text NOT NULL,
    CONSTRAINT party_sanctions_name_check CHECK (((length(name) >= 1) AND (length(name) <= 100)))
);

ALTER TABLE ONLY public.party_sanctions FORCE ROW LEVEL SECURITY;

CREATE TABLE public.party_seal_keys (
    party_id uuid NOT NULL,
    public_key bytea NOT NULL,
    wrapped_private_key bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.party_seal_keys FORCE ROW LEVEL SECURITY;

CREATE TABLE public.public_epoch (
    id integer DEFAULT 1 NOT NULL,
    epoch bigint DEFAULT 1 NOT NULL,
    CONSTRAINT public_epoch_id_check CHECK ((id = 1))
);

CREATE TABLE public.published_outcomes (
    id bigint NOT NULL,
    release_id uuid NOT NULL,
    party_id uuid NOT NULL,
    year integer,
    provisions text[],
    sanction text,
    period text,
    quarter text,
    families text[],
    forms_of_hate text[],
    characteristics text[],
    channel text,
    channel_group text,
    respondent_role text,
    respondent_role_group text,
    severity integer,
    sanction_band text
);

ALTER TABLE ONLY public.published_outcomes FORCE ROW LEVEL SECURITY;

CREATE SEQUENCE public.published_outcomes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.published_outcomes_id_seq OWNED BY public.published_outcomes.id;

CREATE TABLE public.release_previews (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    party_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    code_version text NOT NULL,
    k integer NOT NULL,
    candidate_hash text NOT NULL,
    records_hash text NOT NULL,
    levels jsonb NOT NULL,
    record_count integer NOT NULL,
    held_back_count integer NOT NULL
);

ALTER TABLE ONLY public.release_previews FORCE ROW LEVEL SECURITY;

CREATE TABLE public.releases (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    party_id uuid NOT NULL,
    number integer NOT NULL,
    published_at timestamp with time zone DEFAULT now() NOT NULL,
    code_version text NOT NULL,
    k integer NOT NULL,
    record_count integer NOT NULL,
    held_back_count integer NOT NULL,
    content_hash text NOT NULL,
    previous_hash text,
    levels jsonb DEFAULT '{}'::jsonb NOT NULL,
    information_loss jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT releases_k_check CHECK ((k >= 2)),
    CONSTRAINT releases_number_check CHECK ((number > 0))
);

ALTER TABLE ONLY public.releases FORCE ROW LEVEL SECURITY;

CREATE TABLE public.report_evidence (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    report_id uuid NOT NULL,
    party_id uuid NOT NULL,
    added_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    media_type text NOT NULL,
    size_bytes integer NOT NULL,
    sealed bytea NOT NULL,
    CONSTRAINT report_evidence_media_type_check CHECK ((media_type = ANY (ARRAY['image/png'::text, 'image/jpeg'::text, 'image/webp'::text, 'application/pdf'::text]))),
    CONSTRAINT report_evidence_size_bytes_check CHECK (((size_bytes >= 1) AND (size_bytes <= 10485760)))
);

ALTER TABLE ONLY public.report_evidence FORCE ROW LEVEL SECURITY;

CREATE TABLE public.report_statistics (
    table_id text NOT NULL,
    cell jsonb NOT NULL,
    count integer NOT NULL,
    computed_on date NOT NULL,
    CONSTRAINT report_statistics_count_check CHECK ((count > 0))
);

ALTER TABLE ONLY public.report_statistics FORCE ROW LEVEL SECURITY;

CREATE TABLE public.report_statistics_editions (
    edition text NOT NULL,
    period_end date NOT NULL,
    computed_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT report_statistics_editions_edition_check CHECK ((edition ~ '^[0-9]{4}-Q[1-4]$'::text))
);

ALTER TABLE ONLY public.report_statistics_editions FORCE ROW LEVEL SECURITY;

CREATE TABLE public.reports (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    party_id uuid NOT NULL,
    code text NOT NULL,
    secret_hash bytea NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    received_on date NOT NULL,
    status text DEFAULT 'received'::text NOT NULL,
    respondent_role text,
    channel text NOT NULL,
    provisions text[] NOT NULL,
    forms_of_hate text[] DEFAULT '{}'::text[] NOT NULL,
    occurred_from date NOT NULL,
    occurred_to date NOT NULL,
    reporter_kind text NOT NULL,
    sealed bytea,
    fingerprint bytea NOT NULL,
    duplicate_of uuid,
    case_id uuid,
    decline_reason text,
    referrals text[] DEFAULT '{}'::text[] NOT NULL,
    transfers integer DEFAULT 0 NOT NULL,
    closed_at timestamp with time zone,
    erased_at timestamp with time zone,
    record_key smallint DEFAULT (floor((random() * (256)::double precision)))::smallint NOT NULL,
    reporter_key bytea,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    notify_sealed bytea,
    notified_status text,
    CONSTRAINT reports_record_key_check CHECK (((record_key >= 0) AND (record_key <= 255))),
    CONSTRAINT reports_status_check CHECK ((status = ANY (ARRAY['received'::text, 'accepted'::text, 'declined'::text, 'withdrawn'::text])))
);

ALTER TABLE ONLY public.reports FORCE ROW LEVEL SECURITY;

CREATE TABLE public.scheduled_jobs (
    job text NOT NULL,
    next_run_at timestamp with time zone DEFAULT now() NOT NULL,
    running_until timestamp with time zone,
    last_started_at timestamp with time zone,
    last_finished_at timestamp with time zone,
    last_ok boolean,
    CONSTRAINT scheduled_jobs_job_check CHECK ((job ~ '^[a-z_]{1,40}$'::text))
);

ALTER TABLE ONLY public.scheduled_jobs FORCE ROW LEVEL SECURITY;

CREATE TABLE public.statistics_cells (
    table_id text NOT NULL,
    party_id uuid,
    cell jsonb NOT NULL,
    count integer NOT NULL,
    CONSTRAINT statistics_cells_count_check CHECK ((count > 0))
);

CREATE TABLE public.statistics_edition_cells (
    edition_id bigint NOT NULL,
    table_id text NOT NULL,
    party_id uuid,
    cell jsonb NOT NULL,
    count integer NOT NULL,
    CONSTRAINT statistics_edition_cells_count_check CHECK ((count > 0))
);

ALTER TABLE ONLY public.statistics_edition_cells FORCE ROW LEVEL SECURITY;

CREATE TABLE public.statistics_editions (
    id bigint NOT NULL,
    edition text NOT NULL,
    revision integer DEFAULT 1 NOT NULL,
    period_end date NOT NULL,
    publishes_on date NOT NULL,
    computed_at timestamp with time zone DEFAULT now() NOT NULL,
    reason text,
    tables jsonb NOT NULL,
    CONSTRAINT statistics_editions_edition_check CHECK ((edition ~ '^[0-9]{4}-Q[1-4]$'::text))
);

ALTER TABLE ONLY public.statistics_editions FORCE ROW LEVEL SECURITY;

CREATE SEQUENCE public.statistics_editions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.statistics_editions_id_seq OWNED BY public.statistics_editions.id;

CREATE TABLE public.statistics_tables (
    id text NOT NULL,
    dimensions text[] NOT NULL,
    computed_at timestamp with time zone DEFAULT now() NOT NULL,
    cells integer NOT NULL,
    published_cells integer NOT NULL,
    mean_abs_perturbation double precision NOT NULL
);

CREATE TABLE public.tokens (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    token_hash bytea NOT NULL,
    display_prefix text NOT NULL,
    label text DEFAULT ''::text NOT NULL,
    role text NOT NULL,
    party_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone,
    last_used_at timestamp with time zone,
    revoked_at timestamp with time zone,
    rotated_from uuid,
    CONSTRAINT party_roles_have_party CHECK (((role = ANY (ARRAY['officer'::text, 'party_admin'::text])) = (party_id IS NOT NULL))),
    CONSTRAINT tokens_role_check CHECK ((role = ANY (ARRAY['officer'::text, 'party_admin'::text, 'committee'::text, 'admin'::text])))
);

ALTER TABLE ONLY public.tokens FORCE ROW LEVEL SECURITY;

CREATE TABLE public.webhook_deliveries (
    id bigint NOT NULL,
    event_id bigint NOT NULL,
    endpoint_id uuid NOT NULL,
    party_id uuid NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    delivered_at timestamp with time zone,
    dead_at timestamp with time zone,
    last_status integer,
    last_error text
);

ALTER TABLE ONLY public.webhook_deliveries FORCE ROW LEVEL SECURITY;

CREATE SEQUENCE public.webhook_deliveries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.webhook_deliveries_id_seq OWNED BY public.webhook_deliveries.id;

CREATE TABLE public.webhook_endpoints (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    party_id uuid NOT NULL,
    url text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    event_types text[] DEFAULT '{}'::text[] NOT NULL,
    wrapped_secret bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    disabled_at timestamp with time zone,
    CONSTRAINT webhook_endpoints_description_check CHECK ((length(description) <= 200)),
    CONSTRAINT webhook_endpoints_url_check CHECK (((url ~ '^https?://'::text) AND (length(url) <= 500)))
);

ALTER TABLE ONLY public.webhook_endpoints FORCE ROW LEVEL SECURITY;

CREATE TABLE public.webhook_events (
    id bigint NOT NULL,
    event_id text DEFAULT ('msg_'::text || replace((gen_random_uuid())::text, '-'::text, ''::text)) NOT NULL,
    party_id uuid NOT NULL,
    event_type text NOT NULL,
    payload jsonb NOT NULL,
    dedupe text,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.webhook_events FORCE ROW LEVEL SECURITY;

CREATE SEQUENCE public.webhook_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.webhook_events_id_seq OWNED BY public.webhook_events.id;

ALTER TABLE ONLY public.audit_entries ALTER COLUMN id SET DEFAULT nextval('public.audit_entries_id_seq'::regclass);

ALTER TABLE ONLY public.case_reads ALTER COLUMN id SET DEFAULT nextval('public.case_reads_id_seq'::regclass);

ALTER TABLE ONLY public.checkpoints ALTER COLUMN id SET DEFAULT nextval('public.checkpoints_id_seq'::regclass);

ALTER TABLE ONLY public.published_outcomes ALTER COLUMN id SET DEFAULT nextval('public.published_outcomes_id_seq'::regclass);

ALTER TABLE ONLY public.statistics_editions ALTER COLUMN id SET DEFAULT nextval('public.statistics_editions_id_seq'::regclass);

ALTER TABLE ONLY public.webhook_deliveries ALTER COLUMN id SET DEFAULT nextval('public.webhook_deliveries_id_seq'::regclass);

ALTER TABLE ONLY public.webhook_events ALTER COLUMN id SET DEFAULT nextval('public.webhook_events_id_seq'::regclass);

ALTER TABLE ONLY public.audit_entries
    ADD CONSTRAINT audit_entries_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.binding_key
    ADD CONSTRAINT binding_key_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.case_read_counts
    ADD CONSTRAINT case_read_counts_pkey PRIMARY KEY (case_id);

ALTER TABLE ONLY public.case_reads
    ADD CONSTRAINT case_reads_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT cases_party_id_reference_key UNIQUE (party_id, reference);

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT cases_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.checkpoint_cosignatures
    ADD CONSTRAINT checkpoint_cosignatures_pkey PRIMARY KEY (checkpoint_seq, public_key);

ALTER TABLE ONLY public.checkpoints
    ADD CONSTRAINT checkpoints_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.checkpoints
    ADD CONSTRAINT checkpoints_seq_key UNIQUE (seq);

ALTER TABLE ONLY public.code_rules
    ADD CONSTRAINT code_rules_pkey PRIMARY KEY (code_version);

ALTER TABLE ONLY public.code_versions
    ADD CONSTRAINT code_versions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.committee_counts
    ADD CONSTRAINT committee_counts_pkey PRIMARY KEY (party_id, received_on, state, decided, on_time, appealed, published);

ALTER TABLE ONLY public.committee_days
    ADD CONSTRAINT committee_days_pkey PRIMARY KEY (party_id, received_on, days);

ALTER TABLE ONLY public.committee_due
    ADD CONSTRAINT committee_due_pkey PRIMARY KEY (party_id, received_on, next_due);

ALTER TABLE ONLY public.committee_editions
    ADD CONSTRAINT committee_editions_pkey PRIMARY KEY (period_start, period_end);

ALTER TABLE ONLY public.committee_sanctions
    ADD CONSTRAINT committee_sanctions_pkey PRIMARY KEY (party_id, received_on, severity, sanction);

ALTER TABLE ONLY public.enrolments
    ADD CONSTRAINT enrolments_code_hash_key UNIQUE (code_hash);

ALTER TABLE ONLY public.enrolments
    ADD CONSTRAINT enrolments_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.parties
    ADD CONSTRAINT parties_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.parties
    ADD CONSTRAINT parties_slug_key UNIQUE (slug);

ALTER TABLE ONLY public.party_code_adoptions
    ADD CONSTRAINT party_code_adoptions_party_id_adopted_on_key UNIQUE (party_id, adopted_on);

ALTER TABLE ONLY public.party_code_adoptions
    ADD CONSTRAINT party_code_adoptions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.party_keys
    ADD CONSTRAINT party_keys_pkey PRIMARY KEY (party_id);

ALTER TABLE ONLY public.party_sanctions
    ADD CONSTRAINT party_sanctions_pkey PRIMARY KEY (party_id, name);

ALTER TABLE ONLY public.party_seal_keys
    ADD CONSTRAINT party_seal_keys_pkey PRIMARY KEY (party_id);

ALTER TABLE ONLY public.public_epoch
    ADD CONSTRAINT public_epoch_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.published_outcomes
    ADD CONSTRAINT published_outcomes_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.release_previews
    ADD CONSTRAINT release_previews_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.releases
    ADD CONSTRAINT releases_party_id_number_key UNIQUE (party_id, number);

ALTER TABLE ONLY public.releases
    ADD CONSTRAINT releases_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.report_evidence
    ADD CONSTRAINT report_evidence_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.report_statistics_editions
    ADD CONSTRAINT report_statistics_editions_pkey PRIMARY KEY (edition);

ALTER TABLE ONLY public.report_statistics
    ADD CONSTRAINT report_statistics_pkey PRIMARY KEY (table_id, cell);

ALTER TABLE ONLY public.reports
    ADD CONSTRAINT reports_code_key UNIQUE (code);

ALTER TABLE ONLY public.reports
    ADD CONSTRAINT reports_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.scheduled_jobs
    ADD CONSTRAINT scheduled_jobs_pkey PRIMARY KEY (job);

ALTER TABLE ONLY public.statistics_editions
    ADD CONSTRAINT statistics_editions_edition_revision_key UNIQUE (edition, revision);

ALTER TABLE ONLY public.statistics_editions
    ADD CONSTRAINT statistics_editions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.statistics_tables
    ADD CONSTRAINT statistics_tables_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_token_hash_key UNIQUE (token_hash);

ALTER TABLE ONLY public.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_event_id_endpoint_id_key UNIQUE (event_id, endpoint_id);

ALTER TABLE ONLY public.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.webhook_endpoints
    ADD CONSTRAINT webhook_endpoints_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.webhook_events
    ADD CONSTRAINT webhook_events_dedupe_key UNIQUE (dedupe);

ALTER TABLE ONLY public.webhook_events
    ADD CONSTRAINT webhook_events_event_id_key UNIQUE (event_id);

ALTER TABLE ONLY public.webhook_events
    ADD CONSTRAINT webhook_events_pkey PRIMARY KEY (id);

CREATE INDEX ix_audit_entries_hash ON public.audit_entries USING btree (hash);

CREATE INDEX ix_audit_subjects ON public.audit_entries USING gin (subject_ids);

CREATE INDEX ix_case_reads_case ON public.case_reads USING btree (party_id, case_id, id);

CREATE INDEX ix_case_reads_case_xid ON public.case_reads USING btree (party_id, case_id, xid);

CREATE INDEX ix_cases_party_pseudonym ON public.cases USING btree (party_id, respondent_pseudonym) WHERE (respondent_pseudonym IS NOT NULL);

CREATE INDEX ix_cases_party_publishable ON public.cases USING btree (party_id) WHERE ((release_id IS NULL) AND (state = ANY (ARRAY['decided'::text, 'appeal_decided'::text, 'final'::text])));

CREATE INDEX ix_cases_party_received ON public.cases USING btree (party_id, received_on DESC, id DESC);

CREATE INDEX ix_cases_party_state ON public.cases USING btree (party_id, state);

CREATE INDEX ix_edition_cells ON public.statistics_edition_cells USING btree (edition_id, table_id, party_id);

CREATE INDEX ix_published_outcomes_release ON public.published_outcomes USING btree (release_id);

CREATE INDEX ix_report_evidence_report ON public.report_evidence USING btree (report_id, added_at);

CREATE INDEX ix_reports_fingerprint ON public.reports USING btree (party_id, fingerprint);

CREATE INDEX ix_reports_notify ON public.reports USING btree (received_at) WHERE (notify_sealed IS NOT NULL);

CREATE INDEX ix_reports_party_queue ON public.reports USING btree (party_id, status, received_at, id);

CREATE INDEX ix_reports_party_updated ON public.reports USING btree (party_id, updated_at, id);

CREATE INDEX ix_statistics_cells_table ON public.statistics_cells USING btree (table_id, party_id);

CREATE INDEX ix_webhook_deliveries_due ON public.webhook_deliveries USING btree (next_attempt_at) WHERE ((delivered_at IS NULL) AND (dead_at IS NULL));

CREATE INDEX ix_webhook_deliveries_party ON public.webhook_deliveries USING btree (party_id, id);

CREATE INDEX ix_webhook_endpoints_party ON public.webhook_endpoints USING btree (party_id);

CREATE UNIQUE INDEX ux_audit_chain ON public.audit_entries USING btree (COALESCE(party_id, '00000000-0000-0000-0000-000000000000'::uuid), seq);

CREATE TRIGGER cases_committee_on_insert AFTER INSERT ON public.cases REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.committee_rollup_insert();

CREATE TRIGGER cases_committee_on_update AFTER UPDATE ON public.cases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.committee_rollup_update();

CREATE TRIGGER cases_final_is_final BEFORE UPDATE ON public.cases FOR EACH ROW EXECUTE FUNCTION public.cases_final_is_final();

CREATE TRIGGER cases_released_from_closed_years BEFORE UPDATE OF release_id ON public.cases FOR EACH ROW EXECUTE FUNCTION public.cases_released_from_closed_years();

CREATE TRIGGER checkpoint_cosignatures_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.checkpoint_cosignatures FOR EACH STATEMENT EXECUTE FUNCTION public.bump_public_epoch();

CREATE TRIGGER checkpoints_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.checkpoints FOR EACH STATEMENT EXECUTE FUNCTION public.bump_public_epoch();

CREATE TRIGGER checkpoints_extend_the_newest BEFORE INSERT ON public.checkpoints FOR EACH ROW EXECUTE FUNCTION public.checkpoints_extend_the_newest();

CREATE TRIGGER enrolments_need_consent BEFORE INSERT ON public.enrolments FOR EACH ROW EXECUTE FUNCTION public.enrolments_need_consent();

CREATE TRIGGER parties_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.parties FOR EACH STATEMENT EXECUTE FUNCTION public.bump_public_epoch();

CREATE TRIGGER party_code_adoptions_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.party_code_adoptions FOR EACH STATEMENT EXECUTE FUNCTION public.bump_public_epoch();

CREATE TRIGGER party_sanctions_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.party_sanctions FOR EACH STATEMENT EXECUTE FUNCTION public.bump_public_epoch();

CREATE TRIGGER published_outcomes_append_never BEFORE INSERT OR DELETE OR UPDATE ON public.published_outcomes FOR EACH ROW EXECUTE FUNCTION public.published_outcomes_append_never();

CREATE TRIGGER releases_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.releases FOR EACH STATEMENT EXECUTE FUNCTION public.bump_public_epoch();

CREATE CONSTRAINT TRIGGER releases_hold_k AFTER INSERT ON public.releases DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.releases_hold_k();

CREATE TRIGGER releases_open_for_records AFTER INSERT ON public.releases FOR EACH ROW EXECUTE FUNCTION public.releases_open_for_records();

CREATE TRIGGER report_evidence_erased AFTER UPDATE OF sealed ON public.reports FOR EACH ROW WHEN (((old.sealed IS NOT NULL) AND (new.sealed IS NULL))) EXECUTE FUNCTION public.report_evidence_erased();

CREATE TRIGGER report_statistics_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.report_statistics FOR EACH STATEMENT EXECUTE FUNCTION public.bump_public_epoch();

CREATE TRIGGER reports_touch BEFORE UPDATE ON public.reports FOR EACH ROW EXECUTE FUNCTION public.reports_touch();

CREATE TRIGGER reports_webhooks AFTER INSERT OR UPDATE ON public.reports FOR EACH ROW EXECUTE FUNCTION public.reports_webhooks();

CREATE TRIGGER statistics_editions_bump_public_epoch AFTER INSERT OR DELETE OR UPDATE ON public.statistics_editions FOR EACH STATEMENT EXECUTE FUNCTION public.bump_public_epoch();

CREATE TRIGGER tokens_stay_revoked BEFORE UPDATE ON public.tokens FOR EACH ROW EXECUTE FUNCTION public.tokens_stay_revoked();

ALTER TABLE ONLY public.audit_entries
    ADD CONSTRAINT audit_entries_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.case_read_counts
    ADD CONSTRAINT case_read_counts_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.case_reads
    ADD CONSTRAINT case_reads_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT cases_code_version_fkey FOREIGN KEY (code_version) REFERENCES public.code_versions(id);

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT cases_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT cases_release_id_fkey FOREIGN KEY (release_id) REFERENCES public.releases(id);

ALTER TABLE ONLY public.checkpoint_cosignatures
    ADD CONSTRAINT checkpoint_cosignatures_checkpoint_seq_fkey FOREIGN KEY (checkpoint_seq) REFERENCES public.checkpoints(seq);

ALTER TABLE ONLY public.enrolments
    ADD CONSTRAINT enrolments_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.enrolments
    ADD CONSTRAINT enrolments_token_id_fkey FOREIGN KEY (token_id) REFERENCES public.tokens(id);

ALTER TABLE ONLY public.parties
    ADD CONSTRAINT parties_code_version_fkey FOREIGN KEY (code_version) REFERENCES public.code_versions(id);

ALTER TABLE ONLY public.party_code_adoptions
    ADD CONSTRAINT party_code_adoptions_code_version_fkey FOREIGN KEY (code_version) REFERENCES public.code_versions(id);

ALTER TABLE ONLY public.party_code_adoptions
    ADD CONSTRAINT party_code_adoptions_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.party_keys
    ADD CONSTRAINT party_keys_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.party_sanctions
    ADD CONSTRAINT party_sanctions_code_version_fkey FOREIGN KEY (code_version) REFERENCES public.code_versions(id);

ALTER TABLE ONLY public.party_sanctions
    ADD CONSTRAINT party_sanctions_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.party_seal_keys
    ADD CONSTRAINT party_seal_keys_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.published_outcomes
    ADD CONSTRAINT published_outcomes_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.published_outcomes
    ADD CONSTRAINT published_outcomes_release_id_fkey FOREIGN KEY (release_id) REFERENCES public.releases(id);

ALTER TABLE ONLY public.release_previews
    ADD CONSTRAINT release_previews_code_version_fkey FOREIGN KEY (code_version) REFERENCES public.code_versions(id);

ALTER TABLE ONLY public.release_previews
    ADD CONSTRAINT release_previews_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.releases
    ADD CONSTRAINT releases_code_version_fkey FOREIGN KEY (code_version) REFERENCES public.code_versions(id);

ALTER TABLE ONLY public.releases
    ADD CONSTRAINT releases_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.report_evidence
    ADD CONSTRAINT report_evidence_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.report_evidence
    ADD CONSTRAINT report_evidence_report_id_fkey FOREIGN KEY (report_id) REFERENCES public.reports(id);

ALTER TABLE ONLY public.reports
    ADD CONSTRAINT reports_case_id_fkey FOREIGN KEY (case_id) REFERENCES public.cases(id);

ALTER TABLE ONLY public.reports
    ADD CONSTRAINT reports_duplicate_of_fkey FOREIGN KEY (duplicate_of) REFERENCES public.reports(id);

ALTER TABLE ONLY public.reports
    ADD CONSTRAINT reports_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.statistics_cells
    ADD CONSTRAINT statistics_cells_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.statistics_cells
    ADD CONSTRAINT statistics_cells_table_id_fkey FOREIGN KEY (table_id) REFERENCES public.statistics_tables(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.statistics_edition_cells
    ADD CONSTRAINT statistics_edition_cells_edition_id_fkey FOREIGN KEY (edition_id) REFERENCES public.statistics_editions(id);

ALTER TABLE ONLY public.statistics_edition_cells
    ADD CONSTRAINT statistics_edition_cells_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_rotated_from_fkey FOREIGN KEY (rotated_from) REFERENCES public.tokens(id);

ALTER TABLE ONLY public.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_endpoint_id_fkey FOREIGN KEY (endpoint_id) REFERENCES public.webhook_endpoints(id);

ALTER TABLE ONLY public.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_event_id_fkey FOREIGN KEY (event_id) REFERENCES public.webhook_events(id);

ALTER TABLE ONLY public.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.webhook_endpoints
    ADD CONSTRAINT webhook_endpoints_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

ALTER TABLE ONLY public.webhook_events
    ADD CONSTRAINT webhook_events_party_id_fkey FOREIGN KEY (party_id) REFERENCES public.parties(id);

CREATE POLICY admin_adds ON public.webhook_endpoints FOR INSERT TO jointcode_app WITH CHECK (((party_id = ( SELECT public.jc_party() AS jc_party)) AND (( SELECT public.jc_role() AS jc_role) = 'party_admin'::text) AND (disabled_at IS NULL)));

CREATE POLICY admin_changes ON public.webhook_endpoints FOR UPDATE TO jointcode_app USING (((party_id = ( SELECT public.jc_party() AS jc_party)) AND (( SELECT public.jc_role() AS jc_role) = 'party_admin'::text))) WITH CHECK ((party_id = ( SELECT public.jc_party() AS jc_party)));

CREATE POLICY anyone_files ON public.reports FOR INSERT TO jointcode_app WITH CHECK (((status = 'received'::text) AND (case_id IS NULL) AND (transfers = 0)));

CREATE POLICY app_read_dates ON public.committee_editions FOR SELECT TO jointcode_app USING (true);

ALTER TABLE public.audit_entries ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.case_read_counts ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.case_reads ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.cases ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.checkpoint_cosignatures ENABLE ROW LEVEL SECURITY;

CREATE POLICY committee_cosigns ON public.checkpoint_cosignatures FOR INSERT TO jointcode_app WITH CHECK ((( SELECT public.jc_role() AS jc_role) = 'committee'::text));

ALTER TABLE public.committee_editions ENABLE ROW LEVEL SECURITY;

CREATE POLICY committee_reads_awaiting ON public.enrolments FOR SELECT TO jointcode_app USING (((( SELECT public.jc_role() AS jc_role) = 'committee'::text) AND needs_consent));

CREATE POLICY create_once ON public.party_seal_keys FOR INSERT TO jointcode_app WITH CHECK (true);

ALTER TABLE public.enrolments ENABLE ROW LEVEL SECURITY;

CREATE POLICY managed_issue ON public.tokens FOR INSERT TO jointcode_app WITH CHECK (((( SELECT public.jc_role() AS jc_role) = 'operator'::text) OR ((( SELECT public.jc_role() AS jc_role) = 'admin'::text) AND (role = ANY (ARRAY['committee'::text, 'admin'::text]))) OR ((( SELECT public.jc_role() AS jc_role) = 'party_admin'::text) AND (role = ANY (ARRAY['officer'::text, 'party_admin'::text])) AND (party_id = ( SELECT public.jc_party() AS jc_party)))));

CREATE POLICY managed_read ON public.tokens FOR SELECT TO jointcode_app USING (((( SELECT public.jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])) OR ((( SELECT public.jc_role() AS jc_role) = 'party_admin'::text) AND (party_id = ( SELECT public.jc_party() AS jc_party))) OR (id = ( SELECT jc_viewer.token
   FROM public.jc_viewer() jc_viewer(role, token, party)))));

CREATE POLICY managed_revoke ON public.tokens FOR UPDATE TO jointcode_app USING (((( SELECT public.jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])) OR ((( SELECT public.jc_role() AS jc_role) = 'party_admin'::text) AND (party_id = ( SELECT public.jc_party() AS jc_party))))) WITH CHECK ((revoked_at IS NOT NULL));

CREATE POLICY own_chain_insert ON public.audit_entries FOR INSERT WITH CHECK (
CASE
    WHEN (party_id IS NULL) THEN (( SELECT public.jc_role() AS jc_role) IS NOT NULL)
    ELSE ((party_id = ( SELECT public.jc_party() AS jc_party)) OR ((( SELECT public.jc_role() AS jc_role) = 'admin'::text) AND (action = 'token.revoke'::text)) OR ((( SELECT public.jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])) AND (action = 'enrolment.create'::text)) OR ((( SELECT public.jc_role() AS jc_role) = 'committee'::text) AND (action = 'enrolment.approve'::text)))
END);

CREATE POLICY own_chain_read ON public.audit_entries FOR SELECT USING (
CASE
    WHEN (party_id IS NULL) THEN (( SELECT public.jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text]))
    ELSE (party_id = ( SELECT public.jc_party() AS jc_party))
END);

CREATE POLICY own_key_read ON public.party_keys FOR SELECT USING ((party_id = ( SELECT public.jc_party() AS jc_party)));

CREATE POLICY own_party ON public.case_read_counts FOR SELECT TO jointcode_app USING ((party_id = ( SELECT public.jc_party() AS jc_party)));

CREATE POLICY own_party ON public.case_reads TO jointcode_app USING ((party_id = ( SELECT public.jc_party() AS jc_party))) WITH CHECK ((party_id = ( SELECT public.jc_party() AS jc_party)));

CREATE POLICY own_party ON public.report_evidence FOR SELECT TO jointcode_app USING ((party_id = ( SELECT public.jc_party() AS jc_party)));

CREATE POLICY own_party ON public.reports FOR SELECT TO jointcode_app USING ((party_id = ( SELECT public.jc_party() AS jc_party)));

CREATE POLICY own_party ON public.webhook_deliveries FOR SELECT TO jointcode_app USING ((party_id = ( SELECT public.jc_party() AS jc_party)));

CREATE POLICY own_party ON public.webhook_endpoints FOR SELECT TO jointcode_app USING ((party_id = ( SELECT public.jc_party() AS jc_party)));

CREATE POLICY own_party ON public.webhook_events FOR SELECT TO jointcode_app USING ((party_id = ( SELECT public.jc_party() AS jc_party)));

CREATE POLICY own_party_insert ON public.published_outcomes FOR INSERT WITH CHECK ((party_id = ( SELECT public.jc_party() AS jc_party)));

CREATE POLICY own_party_insert ON public.releases FOR INSERT WITH CHECK ((party_id = ( SELECT public.jc_party() AS jc_party)));

CREATE POLICY own_party_update ON public.reports FOR UPDATE TO jointcode_app USING ((party_id = ( SELECT public.jc_party() AS jc_party))) WITH CHECK ((party_id = ( SELECT public.jc_party() AS jc_party)));

CREATE POLICY owner_all ON public.audit_entries TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.case_read_counts TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.case_reads TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.checkpoint_cosignatures TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.committee_editions TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.enrolments TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.party_keys TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.party_seal_keys TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.release_previews TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.report_evidence TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.report_statistics TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.report_statistics_editions TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.reports TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.scheduled_jobs TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.statistics_edition_cells TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.statistics_editions TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.tokens TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.webhook_deliveries TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.webhook_endpoints TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_all ON public.webhook_events TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE POLICY owner_tabulates ON public.cases TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE public.parties ENABLE ROW LEVEL SECURITY;

CREATE POLICY party_isolation ON public.cases USING ((party_id = ( SELECT public.jc_party() AS jc_party))) WITH CHECK ((party_id = ( SELECT public.jc_party() AS jc_party)));

CREATE POLICY party_isolation ON public.release_previews USING ((party_id = ( SELECT public.jc_party() AS jc_party))) WITH CHECK ((party_id = ( SELECT public.jc_party() AS jc_party)));

ALTER TABLE public.party_keys ENABLE ROW LEVEL SECURITY;

CREATE POLICY party_reads_own ON public.enrolments FOR SELECT TO jointcode_app USING (((( SELECT public.jc_role() AS jc_role) = 'party_admin'::text) AND (party_id = ( SELECT public.jc_party() AS jc_party))));

ALTER TABLE public.party_sanctions ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.party_seal_keys ENABLE ROW LEVEL SECURITY;

CREATE POLICY public_read ON public.checkpoint_cosignatures FOR SELECT TO jointcode_app USING (true);

CREATE POLICY public_read ON public.parties FOR SELECT USING (true);

CREATE POLICY public_read ON public.party_sanctions FOR SELECT USING (true);

CREATE POLICY public_read ON public.party_seal_keys FOR SELECT TO jointcode_app USING (true);

CREATE POLICY public_read ON public.published_outcomes FOR SELECT USING (true);

CREATE POLICY public_read ON public.releases FOR SELECT USING (true);

CREATE POLICY public_read ON public.report_statistics FOR SELECT TO jointcode_app USING (true);

CREATE POLICY public_read ON public.report_statistics_editions FOR SELECT TO jointcode_app USING (true);

CREATE POLICY public_read ON public.statistics_edition_cells FOR SELECT TO jointcode_app USING (true);

CREATE POLICY public_read ON public.statistics_editions FOR SELECT TO jointcode_app USING (true);

ALTER TABLE public.published_outcomes ENABLE ROW LEVEL SECURITY;

CREATE POLICY registry_delete ON public.party_sanctions FOR DELETE USING ((( SELECT public.jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])));

CREATE POLICY registry_insert ON public.parties FOR INSERT WITH CHECK ((( SELECT public.jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])));

CREATE POLICY registry_insert ON public.party_keys FOR INSERT WITH CHECK ((( SELECT public.jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])));

CREATE POLICY registry_manages ON public.enrolments TO jointcode_app USING ((( SELECT public.jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text]))) WITH CHECK ((( SELECT public.jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])));

CREATE POLICY registry_or_own_update ON public.parties FOR UPDATE USING (((( SELECT public.jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])) OR (id = ( SELECT public.jc_party() AS jc_party))));

CREATE POLICY registry_write ON public.party_sanctions FOR INSERT WITH CHECK ((( SELECT public.jc_role() AS jc_role) = ANY (ARRAY['admin'::text, 'operator'::text])));

ALTER TABLE public.release_previews ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.releases ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.report_evidence ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.report_statistics ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.report_statistics_editions ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.reports ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.scheduled_jobs ENABLE ROW LEVEL SECURITY;

CREATE POLICY service_all ON public.scheduled_jobs TO jointcode_app USING (true) WITH CHECK (true);

ALTER TABLE public.statistics_edition_cells ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.statistics_editions ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.tokens ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.webhook_deliveries ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.webhook_endpoints ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.webhook_events ENABLE ROW LEVEL SECURITY;

GRANT USAGE ON SCHEMA public TO jointcode_app;

REVOKE ALL ON FUNCTION public.add_to_report(receipt text, hash bytea, opened_hash bytea, resealed bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION public.add_to_report(receipt text, hash bytea, opened_hash bytea, resealed bytea) TO jointcode_app;

REVOKE ALL ON FUNCTION public.attach_evidence(receipt text, hash bytea, kind text, size integer, sealed_file bytea, max_files integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.attach_evidence(receipt text, hash bytea, kind text, size integer, sealed_file bytea, max_files integer) TO jointcode_app;

REVOKE ALL ON FUNCTION public.bump_public_epoch() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.cases_final_is_final() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.cases_released_from_closed_years() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.chain_heads() FROM PUBLIC;
GRANT ALL ON FUNCTION public.chain_heads() TO jointcode_app;

REVOKE ALL ON FUNCTION public.checkpoints_extend_the_newest() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.committee_period_figures(from_date date, to_date date, today date, k integer, start_month integer, band_starts integer[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.committee_period_figures(from_date date, to_date date, today date, k integer, start_month integer, band_starts integer[]) TO jointcode_app;

REVOKE ALL ON FUNCTION public.committee_period_figures_live(from_date date, to_date date, today date, k integer, start_month integer, band_starts integer[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION public.committee_period_sanctions(from_date date, to_date date, k integer, start_month integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.committee_period_sanctions(from_date date, to_date date, k integer, start_month integer) TO jointcode_app;

REVOKE ALL ON FUNCTION public.committee_period_sanctions_live(from_date date, to_date date, k integer, start_month integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION public.committee_rollup_insert() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.committee_rollup_update() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.enrolments_need_consent() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.fold_case_reads() FROM PUBLIC;
GRANT ALL ON FUNCTION public.fold_case_reads() TO jointcode_app;

REVOKE ALL ON FUNCTION public.jc_approve_enrolment(enrolment uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.jc_approve_enrolment(enrolment uuid) TO jointcode_app;

REVOKE ALL ON FUNCTION public.jc_bind_operator(party uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION public.jc_bind_token(secret text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.jc_bind_token(secret text) TO jointcode_app;

REVOKE ALL ON FUNCTION public.jc_chain_head(chain uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.jc_chain_head(chain uuid) TO jointcode_app;

REVOKE ALL ON FUNCTION public.jc_enrol(code text, token_hash bytea, display_prefix text, label text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.jc_enrol(code text, token_hash bytea, display_prefix text, label text) TO jointcode_app;

REVOKE ALL ON FUNCTION public.jc_party() FROM PUBLIC;
GRANT ALL ON FUNCTION public.jc_party() TO jointcode_app;

REVOKE ALL ON FUNCTION public.jc_revoke_by_secret(secret text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.jc_revoke_by_secret(secret text) TO jointcode_app;

REVOKE ALL ON FUNCTION public.jc_role() FROM PUBLIC;
GRANT ALL ON FUNCTION public.jc_role() TO jointcode_app;

REVOKE ALL ON FUNCTION public.jc_seal(payload text) FROM PUBLIC;

REVOKE ALL ON FUNCTION public.jc_set_binding(role text, token uuid, party uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION public.jc_viewer(OUT role text, OUT token uuid, OUT party uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.jc_viewer(OUT role text, OUT token uuid, OUT party uuid) TO jointcode_app;

REVOKE ALL ON FUNCTION public.move_evidence(evidence uuid, resealed bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION public.move_evidence(evidence uuid, resealed bytea) TO jointcode_app;

REVOKE ALL ON FUNCTION public.party_private_key() FROM PUBLIC;
GRANT ALL ON FUNCTION public.party_private_key() TO jointcode_app;

REVOKE ALL ON FUNCTION public.public_timeliness(party uuid, from_date date, to_date date, today date, k integer, start_month integer, band_starts integer[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.public_timeliness(party uuid, from_date date, to_date date, today date, k integer, start_month integer, band_starts integer[]) TO jointcode_app;

REVOKE ALL ON FUNCTION public.public_timeliness_live(party uuid, from_date date, to_date date, today date, k integer, start_month integer, band_starts integer[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION public.publish_committee_edition(from_date date, to_date date, k integer, start_month integer, band_starts integer[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.publish_committee_edition(from_date date, to_date date, k integer, start_month integer, band_starts integer[]) TO jointcode_app;

REVOKE ALL ON FUNCTION public.publish_report_statistics_edition(wanted text, tables jsonb, families jsonb, groups jsonb, characteristics jsonb, elections jsonb, k integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.publish_report_statistics_edition(wanted text, tables jsonb, families jsonb, groups jsonb, characteristics jsonb, elections jsonb, k integer) TO jointcode_app;

REVOKE ALL ON FUNCTION public.publish_statistics_edition(wanted text, tables jsonb, hierarchy jsonb, k integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.publish_statistics_edition(wanted text, tables jsonb, hierarchy jsonb, k integer) TO jointcode_app;

REVOKE ALL ON FUNCTION public.published_outcomes_append_never() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.releases_hold_k() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.releases_open_for_records() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.report_duplicate(party uuid, print bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION public.report_duplicate(party uuid, print bytea) TO jointcode_app;

REVOKE ALL ON FUNCTION public.report_evidence_erased() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.report_for_receipt(receipt text, hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION public.report_for_receipt(receipt text, hash bytea) TO jointcode_app;

REVOKE ALL ON FUNCTION public.report_statistics_edition_unchecked(wanted text, tables jsonb, families jsonb, groups jsonb, characteristics jsonb, elections jsonb, k integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION public.report_status(receipt text, hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION public.report_status(receipt text, hash bytea) TO jointcode_app;

REVOKE ALL ON FUNCTION public.reporter_notifications_due(max_count integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.reporter_notifications_due(max_count integer) TO jointcode_app;

REVOKE ALL ON FUNCTION public.reporter_notified(report uuid, sent_status text, last boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION public.reporter_notified(report uuid, sent_status text, last boolean) TO jointcode_app;

REVOKE ALL ON FUNCTION public.reports_webhooks() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.statistics_edition_unchecked(wanted text, reason text, tables jsonb, hierarchy jsonb, k integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION public.transfer_report(report uuid, to_party uuid, resealed bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION public.transfer_report(report uuid, to_party uuid, resealed bytea) TO jointcode_app;

REVOKE ALL ON FUNCTION public.webhook_claim(max_count integer, lease_seconds integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.webhook_claim(max_count integer, lease_seconds integer) TO jointcode_app;

REVOKE ALL ON FUNCTION public.webhook_enqueue(party uuid, kind text, data jsonb, key text) FROM PUBLIC;

REVOKE ALL ON FUNCTION public.webhook_record(delivery bigint, ok boolean, status integer, error text, retry_at timestamp with time zone, dead boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION public.webhook_record(delivery bigint, ok boolean, status integer, error text, retry_at timestamp with time zone, dead boolean) TO jointcode_app;

REVOKE ALL ON FUNCTION public.webhook_redeliver(delivery bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.webhook_redeliver(delivery bigint) TO jointcode_app;

REVOKE ALL ON FUNCTION public.webhook_scan_deadlines(warn_days integer, triage_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.webhook_scan_deadlines(warn_days integer, triage_days integer) TO jointcode_app;

REVOKE ALL ON FUNCTION public.withdraw_report(receipt text, hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION public.withdraw_report(receipt text, hash bytea) TO jointcode_app;

GRANT SELECT,INSERT ON TABLE public.audit_entries TO jointcode_app;

GRANT USAGE ON SEQUENCE public.audit_entries_id_seq TO jointcode_app;

GRANT SELECT ON TABLE public.case_read_counts TO jointcode_app;

GRANT SELECT ON TABLE public.case_read_fold TO jointcode_app;

GRANT SELECT,INSERT ON TABLE public.case_reads TO jointcode_app;

GRANT USAGE ON SEQUENCE public.case_reads_id_seq TO jointcode_app;

GRANT SELECT ON TABLE public.cases TO jointcode_app;

GRANT INSERT(id) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(party_id) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(reference) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(code_version) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(received_on) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(provisions) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(channel) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(respondent_role) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(summary) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(state),UPDATE(state) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(findings),UPDATE(findings) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(sanction),UPDATE(sanction) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(suspension_months),UPDATE(suspension_months) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(decided_on),UPDATE(decided_on) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(release_id),UPDATE(release_id) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(version),UPDATE(version) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(created_at) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(updated_at),UPDATE(updated_at) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(target_role) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(characteristics) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(forms_of_hate) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(factors),UPDATE(factors) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(referrals),UPDATE(referrals) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(departure_reason),UPDATE(departure_reason) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(severity_level),UPDATE(severity_level) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(recommended_lowest),UPDATE(recommended_lowest) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(recommended_highest),UPDATE(recommended_highest) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(party_sanction),UPDATE(party_sanction) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(acknowledged_on),UPDATE(acknowledged_on) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(triaged_on),UPDATE(triaged_on) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(assessment_started_on),UPDATE(assessment_started_on) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(assessed_on),UPDATE(assessed_on) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(assessment_findings),UPDATE(assessment_findings) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(out_of_scope_reason),UPDATE(out_of_scope_reason) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(closed_on),UPDATE(closed_on) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(interim_measures),UPDATE(interim_measures) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(appeal_lodged_on),UPDATE(appeal_lodged_on) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(appellant),UPDATE(appellant) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(appeal_outcome),UPDATE(appeal_outcome) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(appeal_decided_on),UPDATE(appeal_decided_on) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(appeal_sanction),UPDATE(appeal_sanction) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(appeal_suspension_months),UPDATE(appeal_suspension_months) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(finalised_on),UPDATE(finalised_on) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(complainant_count),UPDATE(complainant_count) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(respondent_pseudonym),UPDATE(respondent_pseudonym) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(acknowledge_due) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(triage_due) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(decide_due) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(appeal_window_ends),UPDATE(appeal_window_ends) ON TABLE public.cases TO jointcode_app;

GRANT INSERT(appeal_decide_due),UPDATE(appeal_decide_due) ON TABLE public.cases TO jointcode_app;

GRANT SELECT ON TABLE public.checkpoint_cosignatures TO jointcode_app;

GRANT INSERT(checkpoint_seq) ON TABLE public.checkpoint_cosignatures TO jointcode_app;

GRANT INSERT(public_key) ON TABLE public.checkpoint_cosignatures TO jointcode_app;

GRANT INSERT(signature) ON TABLE public.checkpoint_cosignatures TO jointcode_app;

GRANT SELECT,INSERT ON TABLE public.checkpoints TO jointcode_app;

GRANT USAGE ON SEQUENCE public.checkpoints_id_seq TO jointcode_app;

GRANT SELECT ON TABLE public.code_rules TO jointcode_app;

GRANT SELECT,INSERT ON TABLE public.code_versions TO jointcode_app;

GRANT SELECT(period_start) ON TABLE public.committee_editions TO jointcode_app;

GRANT SELECT(period_end) ON TABLE public.committee_editions TO jointcode_app;

GRANT SELECT(computed_at) ON TABLE public.committee_editions TO jointcode_app;

GRANT SELECT(id) ON TABLE public.enrolments TO jointcode_app;

GRANT SELECT(party_id),INSERT(party_id) ON TABLE public.enrolments TO jointcode_app;

GRANT INSERT(code_hash) ON TABLE public.enrolments TO jointcode_app;

GRANT SELECT(created_at) ON TABLE public.enrolments TO jointcode_app;

GRANT SELECT(expires_at),INSERT(expires_at) ON TABLE public.enrolments TO jointcode_app;

GRANT SELECT(used_at) ON TABLE public.enrolments TO jointcode_app;

GRANT SELECT(token_id) ON TABLE public.enrolments TO jointcode_app;

GRANT SELECT(needs_consent) ON TABLE public.enrolments TO jointcode_app;

GRANT SELECT(approved_at) ON TABLE public.enrolments TO jointcode_app;

GRANT SELECT(approved_by) ON TABLE public.enrolments TO jointcode_app;

GRANT SELECT,INSERT ON TABLE public.parties TO jointcode_app;

GRANT UPDATE(name) ON TABLE public.parties TO jointcode_app;

GRANT UPDATE(short_name) ON TABLE public.parties TO jointcode_app;

GRANT UPDATE(code_version) ON TABLE public.parties TO jointcode_app;

GRANT UPDATE(code_adopted_on) ON TABLE public.parties TO jointcode_app;

GRANT UPDATE(ec_registration) ON TABLE public.parties TO jointcode_app;

GRANT UPDATE(nations) ON TABLE public.parties TO jointcode_app;

GRANT UPDATE(membership) ON TABLE public.parties TO jointcode_app;

GRANT UPDATE(publishes_timeliness) ON TABLE public.parties TO jointcode_app;

GRANT SELECT,INSERT ON TABLE public.party_code_adoptions TO jointcode_app;

GRANT SELECT,INSERT ON TABLE public.party_keys TO jointcode_app;

GRANT SELECT,INSERT,DELETE ON TABLE public.party_sanctions TO jointcode_app;

GRANT INSERT ON TABLE public.party_seal_keys TO jointcode_app;

GRANT SELECT(party_id) ON TABLE public.party_seal_keys TO jointcode_app;

GRANT SELECT(public_key) ON TABLE public.party_seal_keys TO jointcode_app;

GRANT SELECT(created_at) ON TABLE public.party_seal_keys TO jointcode_app;

GRANT SELECT ON TABLE public.public_epoch TO jointcode_app;

GRANT SELECT,INSERT ON TABLE public.published_outcomes TO jointcode_app;

GRANT USAGE ON SEQUENCE public.published_outcomes_id_seq TO jointcode_app;

GRANT SELECT,INSERT ON TABLE public.release_previews TO jointcode_app;

GRANT SELECT,INSERT ON TABLE public.releases TO jointcode_app;

GRANT SELECT ON TABLE public.report_evidence TO jointcode_app;

GRANT SELECT ON TABLE public.report_statistics TO jointcode_app;

GRANT SELECT ON TABLE public.report_statistics_editions TO jointcode_app;

GRANT SELECT,INSERT ON TABLE public.reports TO jointcode_app;

GRANT UPDATE(status) ON TABLE public.reports TO jointcode_app;

GRANT UPDATE(case_id) ON TABLE public.reports TO jointcode_app;

GRANT UPDATE(decline_reason) ON TABLE public.reports TO jointcode_app;

GRANT UPDATE(referrals) ON TABLE public.reports TO jointcode_app;

GRANT UPDATE(closed_at) ON TABLE public.reports TO jointcode_app;

GRANT SELECT,INSERT,UPDATE ON TABLE public.scheduled_jobs TO jointcode_app;

GRANT SELECT ON TABLE public.statistics_cells TO jointcode_app;

GRANT SELECT ON TABLE public.statistics_edition_cells TO jointcode_app;

GRANT SELECT ON TABLE public.statistics_editions TO jointcode_app;

GRANT SELECT ON TABLE public.statistics_tables TO jointcode_app;

GRANT SELECT(id) ON TABLE public.tokens TO jointcode_app;

GRANT INSERT(token_hash) ON TABLE public.tokens TO jointcode_app;

GRANT SELECT(display_prefix),INSERT(display_prefix) ON TABLE public.tokens TO jointcode_app;

GRANT SELECT(label),INSERT(label) ON TABLE public.tokens TO jointcode_app;

GRANT SELECT(role),INSERT(role) ON TABLE public.tokens TO jointcode_app;

GRANT SELECT(party_id),INSERT(party_id) ON TABLE public.tokens TO jointcode_app;

GRANT SELECT(created_at) ON TABLE public.tokens TO jointcode_app;

GRANT SELECT(expires_at),INSERT(expires_at) ON TABLE public.tokens TO jointcode_app;

GRANT SELECT(last_used_at),INSERT(last_used_at) ON TABLE public.tokens TO jointcode_app;

GRANT SELECT(revoked_at),INSERT(revoked_at),UPDATE(revoked_at) ON TABLE public.tokens TO jointcode_app;

GRANT SELECT(rotated_from),INSERT(rotated_from) ON TABLE public.tokens TO jointcode_app;

GRANT SELECT ON TABLE public.webhook_deliveries TO jointcode_app;

GRANT SELECT(id) ON TABLE public.webhook_endpoints TO jointcode_app;

GRANT SELECT(party_id),INSERT(party_id) ON TABLE public.webhook_endpoints TO jointcode_app;

GRANT SELECT(url),INSERT(url) ON TABLE public.webhook_endpoints TO jointcode_app;

GRANT SELECT(description),INSERT(description),UPDATE(description) ON TABLE public.webhook_endpoints TO jointcode_app;

GRANT SELECT(event_types),INSERT(event_types),UPDATE(event_types) ON TABLE public.webhook_endpoints TO jointcode_app;

GRANT INSERT(wrapped_secret),UPDATE(wrapped_secret) ON TABLE public.webhook_endpoints TO jointcode_app;

GRANT SELECT(created_at) ON TABLE public.webhook_endpoints TO jointcode_app;

GRANT SELECT(disabled_at),UPDATE(disabled_at) ON TABLE public.webhook_endpoints TO jointcode_app;

GRANT SELECT ON TABLE public.webhook_events TO jointcode_app;
