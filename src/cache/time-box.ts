// A hard upper bound on how long any cache call may hold up a request: single commands,
// pipelines, MULTI and the breaker's half-open wait alike. (ioredis' commandTimeout is only a
// backstop, set longer: its timer cannot tell a slow Redis from a stall of our own event loop.)

export class CacheTimeoutError extends Error {
  constructor(ms: number) {
    super(`no reply within ${ms}ms`);
    this.name = "CacheTimeoutError";
  }
}

/**
 * How much longer than `ms` a call may take in all when this process, not Redis, was the slow one.
 * Bounded, so a machine too busy to serve still falls back to Postgres.
 */
const MAX_STALL_FACTOR = 4;

/**
 * Rejects with CacheTimeoutError unless `work` settles within `ms` of time this process was able to
 * run. Two cases of our own slowness are not counted against Redis:
 *  - a stall (GC, a busy CPU) after which the reply is already waiting in the socket: timers run
 *    before I/O in each turn of the event loop, so I/O gets one turn first;
 *  - a timer that fired late because the event loop was busy: the time it was late was not Redis'
 *    time either, so the box is extended by it (up to MAX_STALL_FACTOR × ms in all). A Redis that is
 *    slow while this process is responsive still times out at `ms`.
 */
export function timeBox<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const started = performance.now();
  const limit = started + ms * MAX_STALL_FACTOR;
  const expired = new Promise<never>((_, reject) => {
    const arm = (delay: number, due: number): void => {
      timer = setTimeout(() => {
        const now = performance.now();
        const late = now - due;
        // Late by more than half the box: our stall, not Redis' silence. Give it that time again.
        if (late > ms / 2 && now < limit) return arm(Math.min(late, limit - now), now + Math.min(late, limit - now));
        immediate = setImmediate(() => reject(new CacheTimeoutError(ms)));
      }, delay);
    };
    arm(ms, started + ms);
  });
  return Promise.race([work, expired]).finally(() => {
    clearTimeout(timer);
    clearImmediate(immediate);
  });
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
