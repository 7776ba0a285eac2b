// Links committed audit events into the hash chain, in id order, in batches: the chain's one
// sequencer. Writers store events unlinked (append.ts) holding the chain lock shared; a pass first
// runs `audit_barrier()`, which takes that lock exclusive for an instant, so every id handed out up
// to the value it returns belongs to an ended transaction and no writer can still fill a gap below it.
// Then, under a linker lock (any instance may run a pass; they take turns), it hashes the rows after
// the newest linked one exactly as the verifier recomputes them and writes prevHash and hash.
//
// Every instance runs passes: right after each of its own audited commits (coalesced, so a burst is
// linked in one batch) and every AUDIT_LINK_INTERVAL_MS for events other processes left behind.
import type pg from "pg";
import { withInternalConnection } from "../../db/statements.js";
import type { InternalQuery, StatementCounter } from "../../db/statements.js";
import type { Logger } from "../../observability/log.js";
import { storedRowHash } from "./append.js";
import type { StoredAuditRow } from "./append.js";

/** Arbitrary constant naming the lock linkers take turns on (pg_advisory_xact_lock takes a bigint). */
const LINKER_LOCK = "7134559201340";
/** How long the barrier may wait for writers before giving the lock back to them and retrying later. */
const BARRIER_WAIT_MS = 200;
const BATCH = 1000;
/** Passes start at least this far apart: commits meanwhile are linked together, and writers are not
 *  held behind one barrier after another. */
const GROUP_MS = 10;

export interface LinkResult {
  linked: number;
  /** The newest linked event after the pass, or null when the chain is empty. */
  head: bigint | null;
  /** The barrier could not get the lock in time (writers held it); nothing was linked. */
  deferred: boolean;
}

/** Where a pass runs: a connection of the app's pool, its round trips tallied apart from requests'. */
export interface LinkerDatabase {
  pool: pg.Pool;
  statements: StatementCounter;
}

/** A stored row as the script reads it: the id as decimal text (pg gives int8 as a string). */
type RawRow = Omit<StoredAuditRow, "id"> & { id: string };

// The newest linked row (when there is one) followed by the unlinked rows after it, up to the barrier.
// Every statement of the script takes its own snapshot, so this read sees all links made before the lock.
const lockAndRead = (through: string): string => `BEGIN;
SELECT pg_advisory_xact_lock(${LINKER_LOCK});
SELECT id::text AS id, type::text AS type, actor_user_id::text AS "actorUserId", subject_user_id::text AS "subjectUserId",
       session_id::text AS "sessionId", ip, user_agent AS "userAgent", metadata, created_at AS "createdAt",
       prev_hash AS "prevHash", hash
  FROM audit_events
 WHERE id >= COALESCE((SELECT id FROM audit_events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1), 0) AND id <= ${through}
 ORDER BY audit_events.id
 LIMIT ${BATCH + 1}`;

async function linkBatch(query: InternalQuery, ipKey: string, through: string): Promise<{ count: number; head: bigint | null }> {
  let committed = false;
  try {
    const rows = (await query<RawRow>(lockAndRead(through))).map((r): StoredAuditRow => ({ ...r, id: BigInt(r.id) }));
    const head = rows[0] !== undefined && rows[0].hash !== null ? rows.shift() : undefined;
    const todo = rows.slice(0, BATCH);
    if (todo.length > 0) {
      let prev = head?.hash ?? null;
      const links = todo.map((row) => {
        const hash = storedRowHash({ ...row, prevHash: prev }, ipKey);
        const link = { id: row.id.toString(), prev, hash };
        prev = hash;
        return link;
      });
      const updated = await query<{ n: number }>(
        `WITH u AS (
           UPDATE audit_events AS a SET prev_hash = v.prev, hash = v.hash
             FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v(id, prev, hash)
            WHERE a.id = v.id AND a.hash IS NULL
           RETURNING 1)
         SELECT count(*)::int AS n FROM u`,
        [links.map((l) => l.id), links.map((l) => l.prev), links.map((l) => l.hash)],
      );
      if (updated[0]?.n !== links.length) throw new Error(`audit: linked ${updated[0]?.n ?? 0} of ${links.length} events; the pass is rolled back`);
    }
    await query("COMMIT");
    committed = true;
    return { count: todo.length, head: todo[todo.length - 1]?.id ?? head?.id ?? null };
  } finally {
    if (!committed) await query("ROLLBACK").catch(() => undefined);
  }
}

/**
 * One pass: links every event committed before it started. `knownHead`: an id known to be linked
 * already; when nothing was written past it the pass ends after the barrier (an idle sweep's cost).
 * It runs on its own pooled connection and never through Prisma: statements are plain SQL, tallied as
 * background work rather than against the request whose commit asked for the pass.
 */
export async function linkCommitted(db: LinkerDatabase, ipKey: string, knownHead: bigint | null = null): Promise<LinkResult> {
  return withInternalConnection(
    db.pool,
    async (query) => {
      const [barrier] = await query<{ through: string | null }>(`SELECT audit_barrier(${BARRIER_WAIT_MS})::text AS through`);
      const through = barrier?.through ?? null;
      if (through === null) return { linked: 0, head: knownHead, deferred: true };
      // Decimal digits from a bigint: safe to inline into the script.
      if (!/^\d+$/.test(through)) throw new Error("audit: unexpected barrier value");
      if (knownHead !== null && BigInt(through) <= knownHead) return { linked: 0, head: knownHead, deferred: false };
      let linked = 0;
      for (;;) {
        const batch = await linkBatch(query, ipKey, through);
        linked += batch.count;
        if (batch.count < BATCH) return { linked, head: batch.head ?? knownHead, deferred: false };
      }
    },
    db.statements,
  );
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
export function createAuditLinker(db: LinkerDatabase, ipKey: string, log: Logger, intervalMs: number, busy: () => boolean = () => false): AuditLinker {
  const listeners: ((head: bigint) => void)[] = [];
  let tail: Promise<unknown> = Promise.resolve();
  let waiting: Promise<LinkResult> | null = null;
  let closed = false;
  let knownHead: bigint | null = null;

  let lastEnd = 0;
  const pass = async (): Promise<LinkResult> => {
    const wait = lastEnd + GROUP_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    waiting = null;
    const result = await linkCommitted(db, ipKey, knownHead).finally(() => (lastEnd = Date.now()));
    knownHead = result.head;
    // Writers held the lock past the barrier's wait: soon again rather than at the next interval.
    if (result.deferred && !closed) setTimeout(poke, BARRIER_WAIT_MS).unref();
    if (result.linked > 0 && result.head !== null) for (const listener of listeners) listener(result.head);
    return result;
  };
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
