-- CreateEnum
CREATE TYPE "AccountTokenPurpose" AS ENUM ('VERIFY_EMAIL', 'RESET_PASSWORD', 'CHANGE_EMAIL');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "AuditEventType" ADD VALUE 'EMAIL_VERIFICATION_REQUESTED';
ALTER TYPE "AuditEventType" ADD VALUE 'EMAIL_VERIFIED';
ALTER TYPE "AuditEventType" ADD VALUE 'PASSWORD_RESET_REQUESTED';
ALTER TYPE "AuditEventType" ADD VALUE 'PASSWORD_RESET_COMPLETED';
ALTER TYPE "AuditEventType" ADD VALUE 'ACCOUNT_TOKEN_ISSUED';
ALTER TYPE "AuditEventType" ADD VALUE 'ACCOUNT_TOKEN_REJECTED';
ALTER TYPE "AuditEventType" ADD VALUE 'ACCOUNT_MAIL_RATE_LIMITED';
ALTER TYPE "AuditEventType" ADD VALUE 'EMAIL_CHANGE_REQUESTED';
ALTER TYPE "AuditEventType" ADD VALUE 'EMAIL_CHANGE_FAILED';
ALTER TYPE "AuditEventType" ADD VALUE 'EMAIL_CHANGED';
ALTER TYPE "AuditEventType" ADD VALUE 'SIGN_UP_DUPLICATE';
ALTER TYPE "AuditEventType" ADD VALUE 'ACCOUNT_DELETED';
ALTER TYPE "AuditEventType" ADD VALUE 'ACCOUNT_DELETE_FAILED';
ALTER TYPE "AuditEventType" ADD VALUE 'SESSION_METADATA_UPDATED';
ALTER TYPE "AuditEventType" ADD VALUE 'MAIL_UNDELIVERABLE';

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "email_verified_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "account_tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "purpose" "AccountTokenPurpose" NOT NULL,
    "email" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "consumed_at" TIMESTAMPTZ(3),

    CONSTRAINT "account_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mail_outbox" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "to_address" TEXT NOT NULL,
    "user_id" UUID,
    "params" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mail_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "account_tokens_token_hash_key" ON "account_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "account_tokens_user_id_purpose_idx" ON "account_tokens"("user_id", "purpose");

-- CreateIndex
CREATE INDEX "account_tokens_expires_at_idx" ON "account_tokens"("expires_at");

-- CreateIndex
CREATE INDEX "mail_outbox_next_attempt_at_idx" ON "mail_outbox"("next_attempt_at");

-- CreateIndex
CREATE INDEX "mail_outbox_user_id_idx" ON "mail_outbox"("user_id");

-- AddForeignKey
ALTER TABLE "account_tokens" ADD CONSTRAINT "account_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written below.
--
-- Erasing an account pseudonymises its personal data in the audit trail without breaking the chain:
-- since this release the hash covers a keyed digest of the user agent and of the personal metadata
-- fields ("email", "previousEmail"), as it already did of the IP (src/modules/audit/personal-data.ts).
-- So the maintainer may now replace each of those by `pseudo:<that digest>`, and only by a
-- well-formed pseudonym; every other column, and every other metadata field, must stay as it was.
GRANT UPDATE (user_agent, metadata) ON "audit_events" TO authgraph_audit_maintainer;

-- A personal metadata field is unchanged, or was present and becomes a pseudonym.
CREATE FUNCTION "audit_personal_field_ok"(p_old jsonb, p_new jsonb, p_key text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT (p_new -> p_key) IS NOT DISTINCT FROM (p_old -> p_key)
      OR (p_old ? p_key AND jsonb_typeof(p_new -> p_key) = 'string' AND (p_new ->> p_key) ~ '^pseudo:[0-9a-f]{64}$');
$$;

CREATE OR REPLACE FUNCTION "audit_events_guard"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_user = 'authgraph_audit_maintainer' THEN
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
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

-- Replaces personal data of the given events by pseudonyms, one batch; returns how many rows changed.
-- A null entry leaves that column as it is; the guard above refuses anything but pseudonyms.
CREATE FUNCTION "audit_set_personal_pseudonyms"(p_ids bigint[], p_ips text[], p_user_agents text[], p_metadata jsonb[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  changed integer;
BEGIN
  UPDATE "audit_events" AS a SET
    ip = coalesce(v.ip, a.ip),
    user_agent = coalesce(v.ua, a.user_agent),
    metadata = coalesce(v.md, a.metadata)
  FROM unnest(p_ids, p_ips, p_user_agents, p_metadata) AS v(id, ip, ua, md)
  WHERE a.id = v.id AND (v.ip IS NOT NULL OR v.ua IS NOT NULL OR v.md IS NOT NULL);
  GET DIAGNOSTICS changed = ROW_COUNT;
  RETURN changed;
END;
$$;

ALTER FUNCTION "audit_set_personal_pseudonyms"(bigint[], text[], text[], jsonb[]) OWNER TO authgraph_audit_maintainer;
