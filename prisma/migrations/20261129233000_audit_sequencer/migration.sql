-- AlterTable
ALTER TABLE "audit_events" ALTER COLUMN "hash" DROP NOT NULL;

-- Hand-written below.
--
-- Writing an event no longer links it. A business transaction inserts its event unlinked (prev_hash
-- and hash NULL) holding the chain lock SHARED, so writers never wait for each other; a linker
-- (src/modules/audit/linker.ts) links committed events in id order in batches. Its barrier takes the
-- same lock EXCLUSIVE for an instant: once it holds it, every id the sequence has handed out belongs
-- to a transaction that has ended, so all events up to that id are final and can be linked in id
-- order, with no gap an in-flight writer could still fill.
DROP FUNCTION IF EXISTS "audit_append"("AuditEventType", uuid, uuid, uuid, text, text, jsonb, timestamptz, text);

CREATE FUNCTION "audit_write"(
  p_type "AuditEventType",
  p_actor_user_id uuid,
  p_subject_user_id uuid,
  p_session_id uuid,
  p_ip text,
  p_user_agent text,
  p_metadata jsonb,
  p_created_at timestamptz) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  o_id bigint;
BEGIN
  -- Taken before the id is drawn and held until commit: the barrier below waits for this writer.
  PERFORM pg_advisory_xact_lock_shared(7134559201337);
  INSERT INTO "audit_events" (type, actor_user_id, subject_user_id, session_id, ip, user_agent, metadata, created_at)
  VALUES (p_type, p_actor_user_id, p_subject_user_id, p_session_id, p_ip, p_user_agent, p_metadata, p_created_at)
  RETURNING id INTO o_id;
  RETURN o_id;
END;
$$;

-- The highest event id whose transaction has ended (committed or rolled back), or NULL when writers
-- held the lock past p_wait_ms (the linker tries again; waiting longer would queue every new writer
-- behind this request). Run as a statement of its own: the lock is released when it returns.
CREATE FUNCTION "audit_barrier"(p_wait_ms integer) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  through bigint;
BEGIN
  PERFORM set_config('lock_timeout', p_wait_ms || 'ms', true);
  PERFORM pg_advisory_xact_lock(7134559201337);
  SELECT CASE WHEN s.is_called THEN s.last_value ELSE 0 END INTO through FROM "audit_events_id_seq" s;
  RETURN through;
EXCEPTION WHEN lock_not_available THEN
  RETURN NULL;
END;
$$;

-- Links are written once: an unlinked row may gain prev_hash and hash (by any role: a wrong link is
-- exactly what verification reports), every other column unchanged; nothing else changes a row
-- except the maintainer's pseudonymisation and purge, as before.
CREATE OR REPLACE FUNCTION "audit_events_guard"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD.hash IS NULL AND OLD.prev_hash IS NULL AND NEW.hash IS NOT NULL
     AND NEW.id = OLD.id
     AND NEW.type = OLD.type
     AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
     AND NEW.subject_user_id IS NOT DISTINCT FROM OLD.subject_user_id
     AND NEW.session_id IS NOT DISTINCT FROM OLD.session_id
     AND NEW.ip IS NOT DISTINCT FROM OLD.ip
     AND NEW.user_agent IS NOT DISTINCT FROM OLD.user_agent
     AND NEW.metadata IS NOT DISTINCT FROM OLD.metadata
     AND NEW.created_at IS NOT DISTINCT FROM OLD.created_at THEN
    RETURN NEW;
  END IF;
  IF current_user = 'authgraph_audit_maintainer' THEN
    IF TG_OP = 'DELETE' THEN
      -- The purge removes a linked prefix; an unlinked event is never purged.
      IF OLD.hash IS NOT NULL THEN
        RETURN OLD;
      END IF;
    ELSIF TG_OP = 'UPDATE'
       AND (NEW.ip IS NOT DISTINCT FROM OLD.ip OR (OLD.ip IS NOT NULL AND NEW.ip ~ '^pseudo:[0-9a-f]{64}$'))
       AND (NEW.user_agent IS NOT DISTINCT FROM OLD.user_agent OR (OLD.user_agent IS NOT NULL AND NEW.user_agent ~ '^pseudo:[0-9a-f]{64}$'))
       AND (NEW.metadata IS NOT DISTINCT FROM OLD.metadata
            OR (jsonb_typeof(OLD.metadata) = 'object' AND jsonb_typeof(NEW.metadata) = 'object'
                AND (NEW.metadata - 'email' - 'previousEmail') = (OLD.metadata - 'email' - 'previousEmail')
                AND audit_personal_field_ok(OLD.metadata, NEW.metadata, 'email')
                AND audit_personal_field_ok(OLD.metadata, NEW.metadata, 'previousEmail')))
       AND NEW.id = OLD.id
       AND NEW.type = OLD.type
       AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
       AND NEW.subject_user_id IS NOT DISTINCT FROM OLD.subject_user_id
       AND NEW.session_id IS NOT DISTINCT FROM OLD.session_id
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
