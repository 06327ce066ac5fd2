CREATE OR REPLACE FUNCTION public.attach_evidence(receipt text, hash bytea, kind text, size integer, sealed_file bytea, max_files integer)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
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
        END $function$;
