// Links committed audit events into the hash chain, in id order, in batches: the chain's one
// sequencer. Writers store events unlinked (append.ts) holding the chain lock shared; a pass first
// runs `audit_barrier()`, which takes that lock exclusive for an instant, so every id handed out up
// to the value it returns belongs to an ended transaction and no writer can still fill a gap below it.
// Then, under a linker lock (any instance may run a pass; they take turns), it hashes the rows after
// the newest linked one exactly as the verifier recomputes them and writes prevHash and hash.
//
// Every instance runs passes: right after each of its own audited commits (coalesced, so a burst is
// linked in one batch) and every AUDIT_LINK_INTERVAL_MS for events other processes left behind.
import { inBackground } from "../../db/statements.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../../observability/log.js";
import { storedRowHash } from "./append.js";
import type { StoredAuditRow } from "./append.js";
import { AUDIT_EVENT_SELECT } from "./query.js";

/** Arbitrary constant naming the lock linkers take turns on (pg_advisory_xact_lock takes a bigint). */
const LINKER_LOCK = 7_134_559_201_340n;
/** How long the barrier may wait for writers before giving the lock back to them and retrying later. */
const BARRIER_WAIT_MS = 200;
const BATCH = 1000;
/** Passes start at least this far apart: commits meanwhile are linked together, and writers are not
 *  held behind one barrier after another. */
const GROUP_MS = 10;

export const STORED_SELECT = { ...AUDIT_EVENT_SELECT, prevHash: true, hash: true } as const;

export interface LinkResult {
  linked: number;
  /** The newest linked event after the pass, or null when the chain is empty. */
  head: bigint | null;
  /** The barrier could not get the lock in time (writers held it); nothing was linked. */
  deferred: boolean;
}

/**
 * One pass: links every event committed before it started. `knownHead`: an id known to be linked
 * already; when nothing was written past it the pass ends after the barrier (an idle sweep's cost).
 */
export async function linkCommitted(db: PrismaClient, ipKey: string, knownHead: bigint | null = null): Promise<LinkResult> {
  const [barrier] = await db.$queryRaw<{ through: bigint | null }[]>`SELECT audit_barrier(${BARRIER_WAIT_MS}::int) AS through`;
  const through = barrier?.through ?? null;
  if (through === null) return { linked: 0, head: knownHead, deferred: true };
  if (knownHead !== null && through <= knownHead) return { linked: 0, head: knownHead, deferred: false };
  let linked = 0;
  for (;;) {
    const batch = await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LINKER_LOCK})`;
      const head = await tx.auditEvent.findFirst({ where: { hash: { not: null } }, orderBy: { id: "desc" }, select: { id: true, hash: true } });
      const rows: StoredAuditRow[] = await tx.auditEvent.findMany({
        where: { id: { gt: head?.id ?? 0n, lte: through } },
        orderBy: { id: "asc" },
        take: BATCH,
        select: STORED_SELECT,
      });
      if (rows.length === 0) return { count: 0, head: head?.id ?? null };
      let prev = head?.hash ?? null;
      const links = rows.map((row) => {
        const hash = storedRowHash({ ...row, prevHash: prev }, ipKey);
        const link = { id: row.id.toString(), prev, hash };
        prev = hash;
        return link;
      });
      const updated = await tx.$executeRaw`
        UPDATE audit_events AS a SET prev_hash = v.prev, hash = v.hash
        FROM unnest(${links.map((l) => l.id)}::bigint[], ${links.map((l) => l.prev)}::text[], ${links.map((l) => l.hash)}::text[]) AS v(id, prev, hash)
        WHERE a.id = v.id AND a.hash IS NULL`;
      if (updated !== links.length) throw new Error(`audit: linked ${updated} of ${links.length} events; the pass is rolled back`);
      return { count: rows.length, head: rows[rows.length - 1]?.id ?? null };
    });
    linked += batch.count;
    if (batch.count < BATCH) return { linked, head: batch.head, deferred: false };
  }
}

export interface AuditLinker {
  /** Asks for a pass soon; passes requested while one waits to start share it. */
  poke(): void;
  /** A pass that starts after this call: on return, everything committed before the call is linked. */
  linkNow(): Promise<LinkResult>;
  /** Called with the newest linked id after each pass that linked something. */
  onLinked(listener: (head: bigint) => void): void;
  /** Stops the interval and runs a last pass, so a short-lived process leaves nothing unlinked. */
  close(): Promise<void>;
}

/**
 * `busy`: true while requests queue for a database connection. Passes asked for by commits then wait
 * (retried every GROUP_MS × 10) rather than take a connection a request is waiting for; the interval
 * sweep and linkNow() run regardless, so the bound holds under any load.
 */
export function createAuditLinker(db: PrismaClient, ipKey: string, log: Logger, intervalMs: number, busy: () => boolean = () => false): AuditLinker {
  const listeners: ((head: bigint) => void)[] = [];
  let tail: Promise<unknown> = Promise.resolve();
  let waiting: Promise<LinkResult> | null = null;
  let closed = false;
  let knownHead: bigint | null = null;

  // Background work: its statements are not counted against the request whose commit asked for it.
  let lastEnd = 0;
  const pass = (): Promise<LinkResult> => inBackground(async () => {
    const wait = lastEnd + GROUP_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    waiting = null;
    const result = await linkCommitted(db, ipKey, knownHead).finally(() => (lastEnd = Date.now()));
    knownHead = result.head;
    // Writers held the lock past the barrier's wait: soon again rather than at the next interval.
    if (result.deferred && !closed) setTimeout(poke, BARRIER_WAIT_MS).unref();
    if (result.linked > 0 && result.head !== null) for (const listener of listeners) listener(result.head);
    return result;
  });
  const queue = (): Promise<LinkResult> => {
    if (waiting) return waiting;
    const next = tail.then(pass);
    waiting = next;
    tail = next.catch(() => undefined);
    return next;
  };
  const run = (): void => {
    if (closed) return;
    queue().catch((err: unknown) => log.warn({ err }, "could not link audit events; the next pass retries"));
  };
  let later: NodeJS.Timeout | undefined;
  const poke = (): void => {
    if (closed || later) return;
    if (!busy()) return run();
    later = setTimeout(() => {
      later = undefined;
      poke();
    }, GROUP_MS * 10);
    later.unref();
  };

  const timer = intervalMs > 0 ? setInterval(run, intervalMs) : undefined;
  timer?.unref();
  return {
    poke,
    linkNow: queue,
    onLinked: (listener) => void listeners.push(listener),
    close: async () => {
      closed = true;
      clearInterval(timer);
      clearTimeout(later);
      await queue().catch((err: unknown) => log.warn({ err }, "could not link audit events before closing"));
    },
  };
}
