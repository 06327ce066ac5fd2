CREATE OR REPLACE FUNCTION public.fold_case_reads()
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
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
        END $function$;
