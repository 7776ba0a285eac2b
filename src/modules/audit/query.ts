// Reading the audit trail: keyset pages on the ordered id, newest first. Never OFFSET: page N costs
// the same as page 1, and an event appended while a client pages cannot shift or repeat rows.
// Every filter has an index whose second column is id ((type,id), (actor_user_id,id), ...), so a
// filtered page is an index range scan stopped after `first + 1` rows.
import { Prisma } from "../../generated/prisma/client.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { AuditEventType } from "../../generated/prisma/enums.js";
import { InvalidCursorError } from "../../errors.js";

export const AUDIT_EVENT_SELECT = {
  id: true,
  type: true,
  actorUserId: true,
  subjectUserId: true,
  sessionId: true,
  ip: true,
  userAgent: true,
  metadata: true,
  createdAt: true,
} as const satisfies Prisma.AuditEventSelect;

export type AuditEventRecord = Prisma.AuditEventGetPayload<{ select: typeof AUDIT_EVENT_SELECT }>;

export interface AuditFilter {
  types?: readonly AuditEventType[] | null;
  actorUserId?: string | null;
  subjectUserId?: string | null;
  sessionId?: string | null;
  /** Inclusive lower bound on createdAt. */
  since?: Date | null;
  /** Exclusive upper bound on createdAt. */
  until?: Date | null;
  /** Only events the linker has chained (a prefix in id order that never gains rows below its end). */
  linkedOnly?: boolean;
}

/**
 * One page's keyset window, in the trail's order (newest first): `olderThan`/`newerThan` are the
 * exclusive id bounds from the cursors, `limit` the rows to fetch, and `oldestFirst` asks for the rows
 * nearest `newerThan` first (paging backwards).
 */
export interface AuditWindow {
  olderThan: bigint | null;
  newerThan: bigint | null;
  limit: number;
  oldestFirst: boolean;
}

const CURSOR_PREFIX = "ae:";
const CURSOR_ID = /^[1-9]\d{0,18}$/;
const MAX_BIGINT = 9_223_372_036_854_775_807n;

export function encodeAuditCursor(id: bigint): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`, "utf8").toString("base64url");
}

/** Strict: anything but a cursor this module produced is INVALID_CURSOR (never a 500 from Postgres). */
export function decodeAuditCursor(cursor: string): bigint {
  if (cursor.length === 0 || cursor.length > 64 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError();
  const raw = Buffer.from(cursor, "base64url").toString("utf8");
  if (!raw.startsWith(CURSOR_PREFIX)) throw new InvalidCursorError();
  const digits = raw.slice(CURSOR_PREFIX.length);
  if (!CURSOR_ID.test(digits)) throw new InvalidCursorError();
  const id = BigInt(digits);
  if (id > MAX_BIGINT) throw new InvalidCursorError();
  return id;
}

function idBounds(w: AuditWindow): Prisma.BigIntFilter<"AuditEvent"> | undefined {
  if (w.olderThan === null && w.newerThan === null) return undefined;
  return { ...(w.olderThan !== null ? { lt: w.olderThan } : {}), ...(w.newerThan !== null ? { gt: w.newerThan } : {}) };
}

/** The same filter as findAuditEvents, for one event already in memory (the live feed). */
export function matchesAuditFilter(filter: AuditFilter, e: AuditEventRecord): boolean {
  if (filter.types && filter.types.length > 0 && !filter.types.includes(e.type)) return false;
  if (filter.actorUserId && e.actorUserId !== filter.actorUserId) return false;
  if (filter.subjectUserId && e.subjectUserId !== filter.subjectUserId) return false;
  if (filter.sessionId && e.sessionId !== filter.sessionId) return false;
  if (filter.since && e.createdAt < filter.since) return false;
  return !(filter.until && e.createdAt >= filter.until);
}

/** One page of `auditEvents`: a single statement. */
export async function findAuditEvents(db: PrismaClient, filter: AuditFilter, w: AuditWindow): Promise<AuditEventRecord[]> {
  const id = idBounds(w);
  const createdAt = filter.since || filter.until ? { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) } : undefined;
  return db.auditEvent.findMany({
    where: {
      ...(id ? { id } : {}),
      ...(filter.types && filter.types.length > 0 ? { type: { in: [...filter.types] } } : {}),
      ...(filter.actorUserId ? { actorUserId: filter.actorUserId } : {}),
      ...(filter.subjectUserId ? { subjectUserId: filter.subjectUserId } : {}),
      ...(filter.sessionId ? { sessionId: filter.sessionId } : {}),
      ...(createdAt ? { createdAt } : {}),
      ...(filter.linkedOnly ? { hash: { not: null } } : {}),
    },
    orderBy: { id: w.oldestFirst ? "asc" : "desc" },
    take: w.limit,
    select: AUDIT_EVENT_SELECT,
  });
}

/**
 * One page of a user's own events (as actor OR subject): a single statement. `actor = u OR subject = u`
 * would make Postgres bitmap-scan and sort ALL of the user's events for every page; two index range
 * scans each stopped at `first + 1`, merged by id, keep a page bounded.
 */
export async function findUserAuditEvents(db: PrismaClient, userId: string, w: AuditWindow): Promise<AuditEventRecord[]> {
  const dir = Prisma.raw(w.oldestFirst ? "ASC" : "DESC");
  const bounds = Prisma.sql`${w.olderThan !== null ? Prisma.sql`AND id < ${w.olderThan}` : Prisma.empty} ${w.newerThan !== null ? Prisma.sql`AND id > ${w.newerThan}` : Prisma.empty}`;
  const take = w.limit;
  return db.$queryRaw<AuditEventRecord[]>`
    SELECT id, type::text AS type, actor_user_id::text AS "actorUserId", subject_user_id::text AS "subjectUserId",
           session_id::text AS "sessionId", ip, user_agent AS "userAgent", metadata, created_at AS "createdAt"
    FROM audit_events
    WHERE id IN (
      (SELECT id FROM audit_events WHERE actor_user_id = ${userId}::uuid ${bounds} ORDER BY id ${dir} LIMIT ${take})
      UNION ALL
      (SELECT id FROM audit_events WHERE subject_user_id = ${userId}::uuid ${bounds} ORDER BY id ${dir} LIMIT ${take}))
    ORDER BY id ${dir}
    LIMIT ${take}`;
}

/** Events by id, in the order asked (null where missing): `node(id)` lookups. */
/** The newest committed event's id, linked or not (0 when there is none). */
export async function newestAuditEventId(db: PrismaClient): Promise<bigint> {
  return (await db.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
}

export async function findAuditEventsByIds(db: PrismaClient, ids: readonly bigint[]): Promise<(AuditEventRecord | null)[]> {
  const rows = await db.auditEvent.findMany({ where: { id: { in: [...ids] } }, select: AUDIT_EVENT_SELECT });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}
