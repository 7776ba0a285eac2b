-- Hand-written (no Prisma schema change): the audit chain's append as ONE round trip.
--
-- Appends are serialised by a transaction-level advisory lock held until commit, so the time between
-- getting the lock and committing bounds the chain's throughput. Done from the application that
-- window held three round trips (lock reply, head read, insert) plus the commit; here the head read,
-- the id and the insert run next to the lock, and only the reply and the commit remain.
--
-- The hash is sha-256(prev_hash || '|' || content) where content is the canonical JSON array
-- ["<id>", type, actor, subject, session, ip digest, user agent, metadata, created_at]. The caller
-- (src/auth/audit.ts) passes that array without its first element, because only this function knows
-- the id; it then recomputes the hash itself and rolls back if the two ever disagree.
CREATE FUNCTION "audit_append"(
  p_type "AuditEventType",
  p_actor_user_id uuid,
  p_subject_user_id uuid,
  p_session_id uuid,
  p_ip text,
  p_user_agent text,
  p_metadata jsonb,
  p_created_at timestamptz,
  p_content_tail text,
  OUT o_id bigint,
  OUT o_prev_hash text,
  OUT o_hash text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  -- Under REPEATABLE READ the head read below would use a snapshot older than the lock: a fork.
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'audit_append needs READ COMMITTED, not %', current_setting('transaction_isolation');
  END IF;
  IF left(p_content_tail, 1) <> '[' THEN
    RAISE EXCEPTION 'audit_append: content tail must be a JSON array';
  END IF;
  -- Same key as AUDIT_CHAIN_LOCK in src/auth/audit.ts.
  PERFORM pg_advisory_xact_lock(7134559201337);
  -- A new statement of a VOLATILE function takes a fresh snapshot under READ COMMITTED, so this sees
  -- the row the previous lock holder committed.
  SELECT e.hash INTO o_prev_hash FROM "audit_events" e ORDER BY e.id DESC LIMIT 1;
  o_id := nextval(pg_get_serial_sequence('audit_events', 'id'));
  o_hash := encode(sha256(convert_to(
    coalesce(o_prev_hash, '') || '|' || '["' || o_id::text || '",' || substr(p_content_tail, 2), 'UTF8')), 'hex');
  INSERT INTO "audit_events" (id, type, actor_user_id, subject_user_id, session_id, ip, user_agent, metadata, created_at, prev_hash, hash)
  VALUES (o_id, p_type, p_actor_user_id, p_subject_user_id, p_session_id, p_ip, p_user_agent, p_metadata, p_created_at, o_prev_hash, o_hash);
END;
$$;
