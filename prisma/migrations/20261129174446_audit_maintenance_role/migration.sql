-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "AuditEventType" ADD VALUE 'SIGN_UP_RATE_LIMITED';
ALTER TYPE "AuditEventType" ADD VALUE 'PASSWORD_CHANGE_FAILED';
ALTER TYPE "AuditEventType" ADD VALUE 'ACCESS_DENIED';

-- Hand-written below.
--
-- The two changes the audit trail admits (the retention purge and IP pseudonymisation) no longer
-- answer to a session variable any role could set: they run inside two SECURITY DEFINER functions
-- owned by a role that cannot log in, and the trigger admits changes from that role only. A role
-- that merely holds DELETE or UPDATE on audit_events (the app's, say) cannot remove or edit events.
-- The functions themselves only delete a prefix a chained RETENTION_PURGED event announced, and only
-- write well-formed pseudonyms (a wrong one breaks the row's hash, which verification reports).
-- Creating the role needs CREATEROLE (or a superuser) for the role that applies migrations.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authgraph_audit_maintainer') THEN
    CREATE ROLE authgraph_audit_maintainer NOLOGIN;
  END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO authgraph_audit_maintainer', current_schema());
END
$$;
GRANT SELECT, DELETE, UPDATE (ip) ON "audit_events" TO authgraph_audit_maintainer;
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_events" FROM PUBLIC;

CREATE OR REPLACE FUNCTION "audit_events_guard"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_user = 'authgraph_audit_maintainer' THEN
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    ELSIF TG_OP = 'UPDATE'
       AND NEW.ip ~ '^pseudo:[0-9a-f]{64}$'
       AND NEW.id = OLD.id
       AND NEW.type = OLD.type
       AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
       AND NEW.subject_user_id IS NOT DISTINCT FROM OLD.subject_user_id
       AND NEW.session_id IS NOT DISTINCT FROM OLD.session_id
       AND NEW.user_agent IS NOT DISTINCT FROM OLD.user_agent
       AND NEW.metadata IS NOT DISTINCT FROM OLD.metadata
       AND NEW.created_at IS NOT DISTINCT FROM OLD.created_at
       AND NEW.prev_hash IS NOT DISTINCT FROM OLD.prev_hash
       AND NEW.hash IS NOT DISTINCT FROM OLD.hash THEN
      RETURN NEW;
    END IF;
  END IF;
  -- TRUNCATE (statement trigger) always ends up here.
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = '42501';
END;
$$;

-- Deletes up to p_batch of the oldest events, never beyond the newest announced purge's anchor.
CREATE FUNCTION "audit_purge_prefix"(p_through_id bigint, p_batch integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  announced bigint;
  deleted integer;
BEGIN
  SELECT (e.metadata ->> 'anchorEventId')::bigint INTO announced
  FROM "audit_events" e WHERE e.type = 'RETENTION_PURGED' ORDER BY e.id DESC LIMIT 1;
  IF announced IS NULL OR p_through_id > announced THEN
    RAISE EXCEPTION 'audit_purge_prefix: event % is beyond the announced purge', p_through_id USING ERRCODE = '42501';
  END IF;
  DELETE FROM "audit_events" WHERE id IN (
    SELECT id FROM "audit_events" WHERE id <= p_through_id ORDER BY id LIMIT p_batch);
  GET DIAGNOSTICS deleted = ROW_COUNT;
  RETURN deleted;
END;
$$;

-- Replaces raw IPs by pseudonyms (`pseudo:<hex HMAC>`), one batch; returns how many it changed.
CREATE FUNCTION "audit_set_pseudonyms"(p_ids bigint[], p_ips text[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  changed integer;
BEGIN
  UPDATE "audit_events" AS a SET ip = v.ip
  FROM unnest(p_ids, p_ips) AS v(id, ip)
  WHERE a.id = v.id AND a.ip IS NOT NULL AND a.ip NOT LIKE 'pseudo:%' AND v.ip ~ '^pseudo:[0-9a-f]{64}$';
  GET DIAGNOSTICS changed = ROW_COUNT;
  RETURN changed;
END;
$$;

ALTER FUNCTION "audit_purge_prefix"(bigint, integer) OWNER TO authgraph_audit_maintainer;
ALTER FUNCTION "audit_set_pseudonyms"(bigint[], text[]) OWNER TO authgraph_audit_maintainer;
