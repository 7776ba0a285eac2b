// One reader of the audit trail per instance, for every auditEventAdded stream on it. A poke through
// the hub ("the chain grew") makes it read the LINKED rows after its watermark from PostgreSQL, in id
// order, and hand each to every attached stream. Writers may commit out of id order, but the linker
// only ever extends the linked prefix in id order (audit/linker.ts), so the linked rows after the
// watermark are exactly the new ones: delivery has no gap, no duplicate and chain order, and a lost
// poke only delays rows until the next one.
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../../observability/log.js";
import { findAuditEvents } from "../audit/query.js";
import type { AuditEventRecord } from "../audit/query.js";
import type { Hub } from "./hub.js";
import { topics } from "./publish.js";

const PAGE = 500;

export type TailConsumer = (row: AuditEventRecord) => void;

export interface AuditTail {
  /**
   * Attaches `consumer`; every row after the returned watermark is handed to it (synchronously, in id
   * order) until `detach`. Rows up to the watermark are the caller's to read (a resume).
   */
  attach(consumer: TailConsumer): Promise<{ watermark: bigint; detach(): void }>;
  /** Reads what committed since the last read (also what a hub message does). */
  poke(): void;
  close(): void;
}

/**
 * `catchUpMs`: while streams are attached, the tail also reads on this interval, so an announcement
 * lost on the way (a failed publish) delays events by at most that long.
 */
export function createAuditTail(db: PrismaClient, hub: Hub, log: Logger, catchUpMs: number): AuditTail {
  const consumers = new Set<TailConsumer>();
  let watermark: bigint | null = null;
  let starting: Promise<void> | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  const head = async (): Promise<bigint> => (await db.auditEvent.aggregate({ where: { hash: { not: null } }, _max: { id: true } }))._max.id ?? 0n;

  const readNew = async (): Promise<void> => {
    if (watermark === null) return;
    for (;;) {
      const rows = await findAuditEvents(db, { linkedOnly: true }, { olderThan: null, newerThan: watermark, limit: PAGE, oldestFirst: true });
      // Handed out and the watermark moved in one synchronous step: a stream attaching meanwhile
      // sees either all of these rows or a watermark past them.
      for (const row of rows) {
        watermark = row.id;
        for (const consumer of consumers) consumer(row);
      }
      if (rows.length < PAGE) return;
    }
  };

  const poke = (): void => {
    if (consumers.size === 0 && !running) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await readNew().catch((err: unknown) => log.warn({ err }, "live audit tail could not read new events"));
      } while (again);
    })().finally(() => (running = null));
  };

  const start = (): Promise<void> =>
    (starting ??= (async () => {
      // Listening first, then the head: a poke between the two is not lost (it reads after the head).
      await hub.listen([topics.audit], () => poke());
      timer = setInterval(poke, catchUpMs);
      timer.unref();
    })().catch((err: unknown) => {
      starting = null;
      throw err;
    }));

  return {
    async attach(consumer) {
      await start();
      // With nobody attached the tail stops reading: the first consumer starts from the head, not
      // from rows nobody was given.
      if (consumers.size === 0 && !running) {
        const current = await head();
        // Another consumer may have attached (and been handed rows) meanwhile: never move back.
        if (consumers.size === 0 && !running) watermark = current;
      }
      // Rows up to the watermark have been handed out; every later one (even from a read in flight)
      // is handed to consumers attached by then, so the two meet exactly.
      consumers.add(consumer);
      return { watermark: watermark ?? 0n, detach: () => void consumers.delete(consumer) };
    },
    poke,
    close: () => clearInterval(timer),
  };
}
