// Work that must happen only once a transaction has committed (publishing what it wrote to other
// instances), registered from inside the transaction against its `tx` client. Interactive
// transactions of a client passed to installCommitHooks run their hooks after COMMIT returns; a
// rolled-back transaction drops them. Outside such a transaction the statement already committed.
import type { PrismaClient } from "../generated/prisma/client.js";

type Hook = () => void;

// Keyed by the transaction client Prisma hands to the callback: one object per transaction.
const pending = new WeakMap<object, Hook[]>();

/** Runs `hook` after the transaction `tx` belongs to commits; at once when `tx` is not a transaction. */
export function afterCommit(tx: object, hook: Hook): void {
  const hooks = pending.get(tx);
  if (hooks) hooks.push(hook);
  else queueMicrotask(hook);
}

function runAll(hooks: readonly Hook[]): void {
  for (const hook of hooks) {
    try {
      hook();
    } catch {
      // A hook is a notification: its failure must not fail (or re-run) the committed change.
    }
  }
}

/** Wraps `prisma.$transaction` so that afterCommit works inside its interactive transactions. */
export function installCommitHooks(prisma: PrismaClient): void {
  const original = prisma.$transaction.bind(prisma) as (arg: unknown, options?: unknown) => Promise<unknown>;
  const wrapped = async (arg: unknown, options?: unknown): Promise<unknown> => {
    if (typeof arg !== "function") return original(arg, options);
    const fn = arg as (tx: object) => Promise<unknown>;
    let hooks: Hook[] = [];
    const result = await original(async (tx: object) => {
      // A retried callback starts again with no hooks of the attempt that failed.
      hooks = [];
      pending.set(tx, hooks);
      return fn(tx);
    }, options);
    runAll(hooks);
    return result;
  };
  Object.defineProperty(prisma, "$transaction", { value: wrapped, configurable: true, writable: true });
}
