// Retention for the audit trail: delete events older than AUDIT_RETENTION_DAYS, and replace raw IPs
// older than AUDIT_IP_PSEUDONYMISE_DAYS by their keyed digest. Both work in bounded batches, each its
// own short statement through the maintenance functions the trigger admits (see the
// audit_maintenance_role migration).
//
// The purge only ever removes a PREFIX of the chain (in id order), so what remains is one unbroken
// chain whose first row's prevHash is the hash of the last purged row: the "anchor". The anchor is
// recorded in a RETENTION_PURGED event BEFORE the first delete (in the transaction that fixes the
// plan), so at no committed instant does the chain start at a row the verifier cannot account for:
// while a purge runs (or after one crashed) the verifier sees the first row inside the announced prefix.
import type { App } from "../../app.js";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import { SYSTEM_ACTOR } from "./recorder.js";
import type { JobActor } from "./recorder.js";
import { pseudonymiseIp } from "./append.js";

type Tx = Prisma.TransactionClient;

// Serialise planning among instances (each runs the interval job); appends still take the chain lock.
const PURGE_PLAN_LOCK = 7_134_559_201_338n;
const PSEUDONYMISE_PLAN_LOCK = 7_134_559_201_339n;

const DAY_MS = 86_400_000;

export interface RetentionAnchor {
  /** The RETENTION_PURGED event announcing the purge. */
  eventId: bigint;
  /** Hash of the last purged event: the prevHash of the first event kept. */
  anchor: string;
  /** Id of the last purged event; everything up to it is condemned. */
  anchorEventId: bigint;
}

function bigintOf(v: unknown): bigint | null {
  return typeof v === "string" && /^\d{1,19}$/.test(v) ? BigInt(v) : null;
}

function metadataObject(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Every purge announced in the chain, oldest first. Few rows: one per purge that deleted anything. */
export async function retentionAnchors(db: PrismaClient | Tx): Promise<RetentionAnchor[]> {
  const rows = await db.auditEvent.findMany({ where: { type: "RETENTION_PURGED" }, orderBy: { id: "asc" }, select: { id: true, metadata: true } });
  const anchors: RetentionAnchor[] = [];
  for (const row of rows) {
    const m = metadataObject(row.metadata);
    const anchorEventId = bigintOf(m.anchorEventId);
    if (typeof m.anchor === "string" && anchorEventId !== null) anchors.push({ eventId: row.id, anchor: m.anchor, anchorEventId });
  }
  return anchors;
}

/**
 * Id of the last event in the prefix created before `cutoff`: everything up to the first event created
 * at or after it (by time, then id). Clocks of several instances may disagree by a moment, so a row a
 * few ms younger than the cutoff can go with the prefix; the chain never gets a hole.
 */
async function prefixEnd(tx: Tx, cutoff: Date): Promise<bigint | null> {
  const boundary = await tx.auditEvent.findFirst({
    where: { createdAt: { gte: cutoff } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true },
  });
  const last = await tx.auditEvent.findFirst({
    where: boundary ? { id: { lt: boundary.id } } : {},
    orderBy: { id: "desc" },
    select: { id: true },
  });
  return last?.id ?? null;
}

interface PurgePlan {
  throughId: bigint;
  remaining: number;
}

async function planPurge(app: App, actor: JobActor): Promise<PurgePlan | null> {
  const now = app.clock.now();
  const cutoff = new Date(now.getTime() - app.config.AUDIT_RETENTION_DAYS * DAY_MS);
  return app.db.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PURGE_PLAN_LOCK})`;
    const first = await tx.auditEvent.findFirst({ orderBy: { id: "asc" }, select: { id: true } });
    if (!first) return null;
    // An announced purge that has not finished (crashed, or running on another instance): finish it
    // rather than announce a second one.
    const latest = (await tx.auditEvent.findFirst({ where: { type: "RETENTION_PURGED" }, orderBy: { id: "desc" }, select: { metadata: true } }))?.metadata;
    const unfinished = bigintOf(metadataObject(latest).anchorEventId);
    if (unfinished !== null && first.id <= unfinished) {
      return { throughId: unfinished, remaining: await tx.auditEvent.count({ where: { id: { lte: unfinished } } }) };
    }
    const throughId = await prefixEnd(tx, cutoff);
    if (throughId === null) return null;
    const last = await tx.auditEvent.findUniqueOrThrow({ where: { id: throughId }, select: { hash: true } });
    // Only a linked prefix can be purged (its last hash is the anchor); the linker catches up first.
    if (last.hash === null) return null;
    const count = await tx.auditEvent.count({ where: { id: { lte: throughId } } });
    await app.audit.record(
      tx,
      {
        type: "RETENTION_PURGED",
        actorUserId: actor.userId,
        metadata: { count, anchor: last.hash, anchorEventId: throughId.toString(), cutoff: cutoff.toISOString(), retentionDays: app.config.AUDIT_RETENTION_DAYS },
      },
      actor.request,
    );
    return { throughId, remaining: count };
  });
}

/** Delete the announced prefix oldest first, one bounded batch per transaction. */
async function deletePrefix(app: App, plan: PurgePlan): Promise<number> {
  const batch = app.config.AUDIT_PURGE_BATCH_SIZE;
  let total = 0;
  for (;;) {
    // Oldest first, so the rows left are always a suffix of the chain: never a hole in the middle.
    const [row] = await app.db.prisma.$queryRaw<{ deleted: number }[]>`SELECT audit_purge_prefix(${plan.throughId}, ${batch}::int) AS deleted`;
    const deleted = row?.deleted ?? 0;
    total += deleted;
    // Another instance helping with the same plan makes a batch come up short: that is fine, it finishes.
    if (deleted < batch || total >= plan.remaining) return total;
  }
}

/** Delete events older than the retention window; returns how many this call deleted. */
export async function purgeExpiredAuditEvents(app: App, actor: JobActor = SYSTEM_ACTOR): Promise<number> {
  let total = 0;
  // A resumed plan may be followed by a fresh one; two rounds cover that, a third finds nothing.
  for (let round = 0; round < 3; round++) {
    const plan = await planPurge(app, actor);
    if (!plan) break;
    total += await deletePrefix(app, plan);
  }
  return total;
}

interface PseudonymisePlan {
  /** Exclusive lower bound of the scan. */
  fromId: bigint;
  throughId: bigint;
}

async function planPseudonymise(app: App, actor: JobActor, days: number): Promise<PseudonymisePlan | null> {
  const now = app.clock.now();
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  return app.db.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PSEUDONYMISE_PLAN_LOCK})`;
    const latest = metadataObject(
      (await tx.auditEvent.findFirst({ where: { type: "IP_PSEUDONYMISED" }, orderBy: { id: "desc" }, select: { metadata: true } }))?.metadata,
    );
    const prevFrom = bigintOf(latest.fromEventId) ?? 0n;
    const prevThrough = bigintOf(latest.throughEventId) ?? 0n;
    const throughId = await prefixEnd(tx, cutoff);
    // The previous window is scanned again (cheap, idempotent): it may have been cut short by a crash.
    if (throughId === null || throughId <= prevThrough) return prevThrough > prevFrom ? { fromId: prevFrom, throughId: prevThrough } : null;
    const [counted] = await tx.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM audit_events
      WHERE id > ${prevThrough} AND id <= ${throughId} AND ip IS NOT NULL AND ip NOT LIKE 'pseudo:%'`;
    await app.audit.record(
      tx,
      {
        type: "IP_PSEUDONYMISED",
        actorUserId: actor.userId,
        metadata: { count: Number(counted?.n ?? 0n), fromEventId: prevThrough.toString(), throughEventId: throughId.toString(), cutoff: cutoff.toISOString() },
      },
      actor.request,
    );
    return { fromId: prevFrom, throughId };
  });
}

/** Replace raw IPs of events older than AUDIT_IP_PSEUDONYMISE_DAYS (0 = off); returns how many. */
export async function pseudonymiseAuditIps(app: App, actor: JobActor = SYSTEM_ACTOR): Promise<number> {
  const days = app.config.AUDIT_IP_PSEUDONYMISE_DAYS;
  if (days <= 0) return 0;
  const plan = await planPseudonymise(app, actor, days);
  if (!plan) return 0;
  const { ipKey } = app.audit.options;
  const batch = app.config.AUDIT_PURGE_BATCH_SIZE;
  let cursor = plan.fromId;
  let total = 0;
  for (;;) {
    const { scanned, updated, last } = await app.db.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: bigint; ip: string }[]>`
        SELECT id, ip FROM audit_events
        WHERE id > ${cursor} AND id <= ${plan.throughId} AND ip IS NOT NULL AND ip NOT LIKE 'pseudo:%'
        ORDER BY id LIMIT ${batch}`;
      if (rows.length === 0) return { scanned: 0, updated: 0, last: cursor };
      const ids = rows.map((r) => r.id.toString());
      const pseudonyms = rows.map((r) => pseudonymiseIp(r.ip, ipKey));
      const [changed] = await tx.$queryRaw<{ n: number }[]>`SELECT audit_set_pseudonyms(${ids}::bigint[], ${pseudonyms}::text[]) AS n`;
      return { scanned: rows.length, updated: changed?.n ?? 0, last: rows[rows.length - 1]?.id ?? cursor };
    });
    total += updated;
    cursor = last;
    if (scanned < batch) return total;
  }
}

export interface AuditRetentionResult {
  purgedCount: number;
  pseudonymisedCount: number;
}

/** The retention job: purge first (no point pseudonymising rows about to go), then pseudonymise. */
export async function purgeAuditEvents(app: App, actor: JobActor = SYSTEM_ACTOR): Promise<AuditRetentionResult> {
  const purgedCount = await purgeExpiredAuditEvents(app, actor);
  const pseudonymisedCount = await pseudonymiseAuditIps(app, actor);
  return { purgedCount, pseudonymisedCount };
}
