// Reading the audit trail: keyset pages on the ordered id, newest first. Never OFFSET: page N costs
// the same as page 1, and an event appended while a client pages cannot shift or repeat rows.
// Every filter has an index whose second column is id ((type,id), (actor_user_id,id), ...), so a
// filtered page is an index range scan stopped after `first + 1` rows.
import { Prisma } from "../../generated/prisma/client.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { AuditEventType } from "../../generated/prisma/enums.js";
import { InvalidCursorError, ValidationError } from "../../errors.js";

export interface AuditEventRecord {
  id: bigint;
  type: AuditEventType;
  actorUserId: string | null;
  subjectUserId: string | null;
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
  metadata: unknown;
  createdAt: Date;
}

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
} as const;

export interface AuditFilter {
  types?: readonly AuditEventType[] | null;
  actorUserId?: string | null;
  subjectUserId?: string | null;
  sessionId?: string | null;
  /** Inclusive lower bound on createdAt. */
  since?: Date | null;
  /** Exclusive upper bound on createdAt. */
  until?: Date | null;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface AuditPage {
  rows: AuditEventRecord[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
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

interface Window {
  /** Newest first (forward) or oldest first (backward, reversed before returning). */
  descending: boolean;
  size: number;
  /** Exclusive bound on id coming from the cursor. */
  below: bigint | null;
  above: bigint | null;
}

function windowOf(args: PageArgs, defaultSize: number): Window {
  if (args.first != null && args.last != null) {
    throw new ValidationError([{ path: "last", message: "Pass either first or last, not both." }]);
  }
  const below = args.after ? decodeAuditCursor(args.after) : null;
  const above = args.before ? decodeAuditCursor(args.before) : null;
  if (args.last != null) return { descending: false, size: args.last, below, above };
  return { descending: true, size: args.first ?? defaultSize, below, above };
}

function pageOf(rows: AuditEventRecord[], w: Window, args: PageArgs): AuditPage {
  const more = rows.length > w.size;
  const page = rows.slice(0, w.size);
  if (w.descending) return { rows: page, hasNextPage: more, hasPreviousPage: args.after != null };
  return { rows: page.reverse(), hasNextPage: args.before != null, hasPreviousPage: more };
}

function idBounds(w: Window): Prisma.BigIntFilter<"AuditEvent"> | undefined {
  if (w.below === null && w.above === null) return undefined;
  return { ...(w.below !== null ? { lt: w.below } : {}), ...(w.above !== null ? { gt: w.above } : {}) };
}

/** One page of `auditEvents`: a single statement. */
export async function findAuditEvents(db: PrismaClient, filter: AuditFilter, args: PageArgs, defaultSize: number): Promise<AuditPage> {
  const w = windowOf(args, defaultSize);
  if (w.size === 0) return { rows: [], hasNextPage: false, hasPreviousPage: false };
  const id = idBounds(w);
  const createdAt = filter.since || filter.until ? { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) } : undefined;
  const rows = await db.auditEvent.findMany({
    where: {
      ...(id ? { id } : {}),
      ...(filter.types && filter.types.length > 0 ? { type: { in: [...filter.types] } } : {}),
      ...(filter.actorUserId ? { actorUserId: filter.actorUserId } : {}),
      ...(filter.subjectUserId ? { subjectUserId: filter.subjectUserId } : {}),
      ...(filter.sessionId ? { sessionId: filter.sessionId } : {}),
      ...(createdAt ? { createdAt } : {}),
    },
    orderBy: { id: w.descending ? "desc" : "asc" },
    take: w.size + 1,
    select: AUDIT_EVENT_SELECT,
  });
  return pageOf(rows, w, args);
}

/**
 * One page of a user's own events (as actor OR subject): a single statement. `actor = u OR subject = u`
 * would make Postgres bitmap-scan and sort ALL of the user's events for every page; two index range
 * scans each stopped at `first + 1`, merged by id, keep a page bounded.
 */
export async function findUserAuditEvents(db: PrismaClient, userId: string, args: PageArgs, defaultSize: number): Promise<AuditPage> {
  const w = windowOf(args, defaultSize);
  if (w.size === 0) return { rows: [], hasNextPage: false, hasPreviousPage: false };
  const dir = Prisma.raw(w.descending ? "DESC" : "ASC");
  const bounds = Prisma.sql`${w.below !== null ? Prisma.sql`AND id < ${w.below}` : Prisma.empty} ${w.above !== null ? Prisma.sql`AND id > ${w.above}` : Prisma.empty}`;
  const take = w.size + 1;
  const rows = await db.$queryRaw<AuditEventRecord[]>`
    SELECT id, type::text AS type, actor_user_id::text AS "actorUserId", subject_user_id::text AS "subjectUserId",
           session_id::text AS "sessionId", ip, user_agent AS "userAgent", metadata, created_at AS "createdAt"
    FROM audit_events
    WHERE id IN (
      (SELECT id FROM audit_events WHERE actor_user_id = ${userId}::uuid ${bounds} ORDER BY id ${dir} LIMIT ${take})
      UNION ALL
      (SELECT id FROM audit_events WHERE subject_user_id = ${userId}::uuid ${bounds} ORDER BY id ${dir} LIMIT ${take}))
    ORDER BY id ${dir}
    LIMIT ${take}`;
  return pageOf(rows, w, args);
}

/** Events by id, in the order asked (null where missing): `node(id)` lookups. */
export async function findAuditEventsByIds(db: PrismaClient, ids: readonly bigint[]): Promise<(AuditEventRecord | null)[]> {
  const rows = await db.auditEvent.findMany({ where: { id: { in: [...ids] } }, select: AUDIT_EVENT_SELECT });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}
