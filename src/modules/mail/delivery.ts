// Delivery of the outbox after commit: `kick()` starts a drain in the background once a change that
// queued mail has committed; a failed message is retried with a doubling delay (a timer on this
// instance, plus the interval sweep in jobs.ts for rows another instance left behind) until
// MAIL_MAX_ATTEMPTS, then dropped with a MAIL_UNDELIVERABLE event. Messages that carry a token are
// composed by the module that owns the flow (see `Composer`), which mints the token at that moment.
import type { App } from "../../app.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { Mailer, OutgoingMessage } from "./mailer.js";
import { claimDue, enqueueMail, nextDue, removeRow, reschedule } from "./outbox.js";
import type { MailIntent, OutboxRow } from "./outbox.js";
import { renderMail } from "./templates.js";
import type { MailKind } from "./templates.js";

export type MailDeps = Pick<App, "config" | "db" | "clock" | "log" | "audit">;

/** Turns a claimed row into the message to send, or null when there is nothing to send any more. */
export type Composer = (deps: MailDeps, row: OutboxRow) => Promise<OutgoingMessage | null>;

export interface MailService {
  readonly enabled: boolean;
  /** Where messages go, safe to log. */
  readonly target: string;
  /** Queues a message inside the caller's transaction: it is sent only if that transaction commits. */
  enqueue(tx: Prisma.TransactionClient, intent: MailIntent): Promise<void>;
  /** Call after a commit that queued mail: delivers in the background, never throws. */
  kick(): void;
  /** Delivers everything due now and resolves when done; how many rows it handled. */
  drain(): Promise<number>;
  close(): Promise<void>;
}

const BATCH = 20;
const LEASE_MS = 120_000;
const MAX_DELAY_MS = 3_600_000;

function param(row: OutboxRow, key: string): string {
  const params = row.params;
  const value = params !== null && typeof params === "object" && !Array.isArray(params) ? params[key] : undefined;
  return typeof value === "string" ? value : "";
}

/** Notices carry everything in their row. */
const notice: Composer = async (deps, row) => {
  const kind = row.kind as MailKind;
  if (kind === "email_change_notice") return { to: row.toAddress, ...renderMail({ kind, newAddress: param(row, "newAddress") }) };
  if (kind === "sign_up_existing" || kind === "account_deleted") return { to: row.toAddress, ...renderMail({ kind }) };
  // A kind this version does not know (written by a newer one during a rolling upgrade): dropped.
  deps.log.error({ kind: row.kind }, "mail of an unknown kind dropped");
  return null;
};

export function createMailService(deps: MailDeps, mailer: Mailer, composers: Partial<Record<MailKind, Composer>>): MailService {
  const { config, db, clock, log } = deps;
  let running: Promise<number> | null = null;
  let again = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const delayAfter = (attempts: number): number => Math.min(MAX_DELAY_MS, config.MAIL_RETRY_SECONDS * 1000 * 2 ** Math.max(0, attempts - 1));

  async function deliver(row: OutboxRow): Promise<void> {
    try {
      const compose = composers[row.kind as MailKind] ?? notice;
      const message = await compose(deps, row);
      if (message) await mailer.send(message);
      await removeRow(db.prisma, row.id);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (row.attempts >= config.MAIL_MAX_ATTEMPTS) {
        log.error({ err, kind: row.kind, attempts: row.attempts }, "mail undeliverable: giving up");
        await db.prisma.$transaction(async (tx) => {
          await tx.mailOutbox.deleteMany({ where: { id: row.id } });
          await deps.audit.record(tx, { type: "MAIL_UNDELIVERABLE", subjectUserId: row.userId, metadata: { kind: row.kind, attempts: row.attempts } }, null);
        });
        return;
      }
      log.warn({ err, kind: row.kind, attempts: row.attempts, target: mailer.target }, "mail delivery failed; will retry");
      await reschedule(db.prisma, row.id, new Date(clock.now().getTime() + delayAfter(row.attempts)), reason);
    }
  }

  async function drainAll(): Promise<number> {
    let handled = 0;
    for (;;) {
      const rows = await claimDue(db.prisma, clock.now(), LEASE_MS, BATCH);
      for (const row of rows) await deliver(row);
      handled += rows.length;
      if (rows.length < BATCH || closed) return handled;
    }
  }

  /** Wakes up when the next row falls due (a retry here, or a lease another instance let lapse). */
  async function scheduleNext(): Promise<void> {
    clearTimeout(timer);
    const due = await nextDue(db.prisma);
    if (!due || closed) return;
    timer = setTimeout(() => service.kick(), Math.max(0, due.getTime() - clock.now().getTime()) + 50);
    timer.unref();
  }

  const service: MailService = {
    enabled: config.MAIL_ENABLED,
    target: mailer.target,
    enqueue: (tx, intent) => enqueueMail(tx, intent, clock.now()),
    kick() {
      if (!service.enabled) return;
      service.drain().catch((err: unknown) => log.error({ err }, "mail drain failed"));
    },
    drain() {
      // MAIL_ENABLED=false sends nothing, and costs requests no outbox query either.
      if (closed || !service.enabled) return Promise.resolve(0);
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        let handled = 0;
        try {
          do {
            again = false;
            handled += await drainAll();
          } while (again && !closed);
          await scheduleNext();
        } finally {
          running = null;
          // A kick that arrived after the last round looked: one more round for it.
          if (again && !closed) service.kick();
        }
        return handled;
      })();
      return running;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await running?.catch(() => 0);
      mailer.close();
    },
  };
  return service;
}
