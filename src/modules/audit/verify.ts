// Verification of the audit hash chain: streams events in id order in bounded batches (keyset, never
// the whole table in memory), recomputes every hash from the stored row and checks that each row's
// prevHash is the hash of the row before it.
//
// What it can and cannot prove: an edit of any row (without rewriting every later hash) and a deleted
// row in the middle are found and pinpointed from the table alone. Dropping the newest rows, or
// rewriting the chain from some row to the end, is found only against a head kept outside the
// database (head.ts): up to the newest recorded head, not the events after it.
//
// Events not linked yet (linker.ts) can only be the newest ones: an unlinked event before a linked one
// was put into the chain's past and is reported. An event left unlinked longer than the stated bound
// (AUDIT_LINK_MAX_DELAY_MS) fails the check: no linker is running, or it keeps failing.
import type { PrismaClient } from "../../generated/prisma/client.js";
import { rowHashFormat } from "./append.js";
import type { StoredAuditRow } from "./append.js";
import { AUDIT_EVENT_SELECT } from "./query.js";
import { retentionAnchors } from "./retention.js";
import type { RetentionAnchor } from "./retention.js";
import type { ChainHead } from "./head.js";

const STORED_SELECT = { ...AUDIT_EVENT_SELECT, prevHash: true, hash: true } as const;

export interface IntegrityReport {
  ok: boolean;
  checkedCount: number;
  /** The first event whose hash or link is wrong (for a deleted row: the event right after the gap). */
  firstBrokenEventId: bigint | null;
  /** Events written but not linked into the chain yet (the newest ones, within the bound). */
  unlinkedCount: number;
  message: string;
}

export interface VerifyRange {
  /** Start at the first event created at or after this instant. */
  since?: Date | null;
  /** End at the last event created before this instant. */
  until?: Date | null;
}

export interface VerifyOptions {
  ipKey: string;
  batchSize?: number;
  /** An event unlinked for longer than this (ms) before `now` fails the check. */
  maxLinkDelayMs: number;
  now: Date;
}

/** Id bounds of the range: contiguous in id order, since a chain can only be checked link by link. */
async function rangeIds(db: PrismaClient, range: VerifyRange): Promise<{ from: bigint | null; to: bigint | null } | null> {
  let from: bigint | null = null;
  let to: bigint | null = null;
  if (range.since) {
    const first = await db.auditEvent.findFirst({ where: { createdAt: { gte: range.since } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true } });
    if (!first) return null;
    from = first.id;
  }
  if (range.until) {
    const last = await db.auditEvent.findFirst({ where: { createdAt: { lt: range.until } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } });
    if (!last) return null;
    to = last.id;
  }
  if (from !== null && to !== null && to < from) return null;
  return { from, to };
}

/**
 * A link that does not match is legitimate only where retention deleted rows: the previous row (or the
 * missing start of the chain) lies inside an announced purge prefix, and the row either links to that
 * purge's anchor (the purge is complete up to here) or is itself still inside the prefix (in progress).
 */
function purgedGap(anchors: RetentionAnchor[], row: StoredAuditRow, prevId: bigint | null): "anchored" | "purging" | null {
  for (const a of anchors) {
    if (prevId !== null && prevId > a.anchorEventId) continue;
    if (row.prevHash === a.anchor) return "anchored";
    if (row.id <= a.anchorEventId) return "purging";
  }
  return null;
}

/**
 * Verifies the chain in `range`, then (over the whole trail) that it still reaches `head` — a head
 * recorded outside the table (head.ts) — unchanged: the one check that catches a deleted tail.
 */
export async function verifyAuditChain(db: PrismaClient, options: VerifyOptions, range: VerifyRange = {}, head: ChainHead | null = null): Promise<IntegrityReport> {
  const report = await verifyLinks(db, options, range);
  if (!report.ok || !head || range.until) return report;
  const row = await db.auditEvent.findUnique({ where: { id: head.id }, select: { hash: true } });
  const when = head.at.toISOString();
  if (row && row.hash !== head.hash) {
    return { ...report, ok: false, firstBrokenEventId: head.id, message: `Event ${head.id} no longer has the hash recorded in the chain head of ${when}: the trail was rewritten from there on.` };
  }
  if (!row && !(await retentionAnchors(db)).some((a) => head.id <= a.anchorEventId)) {
    return { ...report, ok: false, firstBrokenEventId: head.id, message: `Event ${head.id}, the chain head recorded at ${when}, is missing: events at the end of the trail were deleted.` };
  }
  return { ...report, message: `${report.message} The chain reaches the head recorded at ${when} (event ${head.id}).` };
}

async function verifyLinks(db: PrismaClient, options: VerifyOptions, range: VerifyRange): Promise<IntegrityReport> {
  const batchSize = options.batchSize ?? 1000;
  const empty: IntegrityReport = { ok: true, checkedCount: 0, firstBrokenEventId: null, unlinkedCount: 0, message: "No audit events in the range." };
  const bounds = await rangeIds(db, range);
  if (!bounds) return empty;

  // The row just before the range: its hash is what the first checked row must link to.
  let prev: { id: bigint; hash: string | null } | null =
    bounds.from === null ? null : await db.auditEvent.findFirst({ where: { id: { lt: bounds.from } }, orderBy: { id: "desc" }, select: { id: true, hash: true } });
  let gapNote = "";
  let checked = 0;
  let cursor: { gte: bigint } | { gt: bigint } | undefined = bounds.from === null ? undefined : { gte: bounds.from };
  let firstId: bigint | null = null;
  let lastLinked: bigint | null = null;
  let unlinked: { first: bigint; count: number; oldest: Date } | null = prev && prev.hash === null ? { first: prev.id, count: 0, oldest: options.now } : null;

  const broken = (id: bigint, message: string): IntegrityReport => ({ ok: false, checkedCount: checked, firstBrokenEventId: id, unlinkedCount: unlinked?.count ?? 0, message });

  for (;;) {
    const rows: StoredAuditRow[] = await db.auditEvent.findMany({
      where: { id: { ...cursor, ...(bounds.to !== null ? { lte: bounds.to } : {}) } },
      orderBy: { id: "asc" },
      take: batchSize,
      select: STORED_SELECT,
    });
    for (const row of rows) {
      if (row.hash === null) {
        unlinked ??= { first: row.id, count: 0, oldest: row.createdAt };
        unlinked.count++;
        if (row.createdAt < unlinked.oldest) unlinked.oldest = row.createdAt;
        prev = { id: row.id, hash: null };
        continue;
      }
      if (unlinked) {
        return broken(row.id, `Event ${row.id} is linked although event ${unlinked.first} before it is not: an event was written into the chain's past.`);
      }
      checked++;
      firstId ??= row.id;
      if (rowHashFormat(row, options.ipKey) === null) {
        return broken(row.id, `Event ${row.id} does not match its stored hash: it was altered after it was written.`);
      }
      const linked = prev === null ? row.prevHash === null : row.prevHash === prev.hash;
      if (!linked) {
        // Loaded on demand (gaps are rare) and reloaded each time, so a purge announced while we stream is seen.
        const gap = purgedGap(await retentionAnchors(db), row, prev?.id ?? null);
        if (!gap) {
          return broken(
            row.id,
            prev === null
              ? `Event ${row.id} is the oldest event but links to an earlier one, and no retention purge accounts for it: events before it were deleted.`
              : `Event ${row.id} does not link to event ${prev.id} before it: an event between them was deleted, or event ${prev.id} was rewritten.`,
          );
        }
        gapNote =
          gap === "anchored"
            ? ` Events before ${row.id} were removed by the retention purge; ${row.id} links to its recorded anchor.`
            : ` A retention purge is still removing events up to its announced anchor (now at ${row.id}).`;
      }
      prev = { id: row.id, hash: row.hash };
      lastLinked = row.id;
    }
    if (rows.length < batchSize || !prev) break;
    cursor = { gt: prev.id };
  }

  const pending = unlinked?.count ?? 0;
  if (unlinked && pending > 0 && options.now.getTime() - unlinked.oldest.getTime() > options.maxLinkDelayMs) {
    return broken(
      unlinked.first,
      `Event ${unlinked.first} and ${pending - 1} later event(s) were written but not linked into the chain within ${options.maxLinkDelayMs} ms (the oldest since ${unlinked.oldest.toISOString()}): no linker is running, or it fails.`,
    );
  }
  const pendingNote = pending > 0 ? ` ${pending} newest event(s) are written and not linked yet (within ${options.maxLinkDelayMs} ms).` : "";
  if (checked === 0) return { ...empty, unlinkedCount: pending, message: `No linked audit events in the range.${pendingNote}` };
  return { ok: true, checkedCount: checked, firstBrokenEventId: null, unlinkedCount: pending, message: `Verified ${checked} event(s), ${firstId} to ${lastLinked}.${gapNote}${pendingNote}` };
}
