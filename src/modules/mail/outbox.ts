// The mail outbox: rows written in the transaction of the change they announce (so a rolled-back
// change sends nothing), claimed in small batches by whoever drains (SKIP LOCKED, with a lease, so
// several instances never send one row twice at once), deleted once sent or given up.
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import type { MailKind } from "./templates.js";

type Tx = Prisma.TransactionClient;

export interface MailIntent {
  kind: MailKind;
  to: string;
  /** The account the message is about: its pending messages go when it is deleted. */
  userId?: string | null;
  /** Values for the template; never a secret (tokens are minted when the message is composed). */
  params?: Record<string, string> | null;
}

export interface OutboxRow {
  id: string;
  kind: string;
  toAddress: string;
  userId: string | null;
  params: Prisma.JsonValue;
  attempts: number;
}

export async function enqueueMail(tx: Tx, intent: MailIntent, now: Date): Promise<void> {
  await tx.mailOutbox.create({
    data: { kind: intent.kind, toAddress: intent.to, userId: intent.userId ?? null, params: intent.params ?? undefined, nextAttemptAt: now, createdAt: now },
  });
}

/** Claims up to `limit` due rows: each gets one more attempt and is hidden for `leaseMs` while it is sent. */
export function claimDue(db: PrismaClient, now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  return db.$queryRaw<OutboxRow[]>`
    UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = ${leaseUntil}
    WHERE id IN (
      SELECT id FROM mail_outbox WHERE next_attempt_at <= ${now}
      ORDER BY next_attempt_at, created_at LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id::text AS id, kind, to_address AS "toAddress", user_id::text AS "userId", params, attempts`;
}

export async function removeRow(db: PrismaClient, id: string): Promise<void> {
  await db.mailOutbox.deleteMany({ where: { id } });
}

export async function reschedule(db: PrismaClient, id: string, at: Date, error: string): Promise<void> {
  await db.mailOutbox.updateMany({ where: { id }, data: { nextAttemptAt: at, lastError: error.slice(0, 500) } });
}

/** When the next row falls due (a retry, or a lease running out), or null when the outbox is empty. */
export async function nextDue(db: PrismaClient): Promise<Date | null> {
  const row = await db.mailOutbox.findFirst({ orderBy: { nextAttemptAt: "asc" }, select: { nextAttemptAt: true } });
  return row?.nextAttemptAt ?? null;
}
