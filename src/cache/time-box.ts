// A hard upper bound on how long any cache call may hold up a request: single commands,
// pipelines, MULTI and the breaker's half-open wait alike. (ioredis' commandTimeout is only a
// backstop, set longer: its timer cannot tell a slow Redis from a stall of our own event loop.)

export class CacheTimeoutError extends Error {
  constructor(ms: number) {
    super(`no reply within ${ms}ms`);
    this.name = "CacheTimeoutError";
  }
}

export function timeBox<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const expired = new Promise<never>((_, reject) => {
    // Timers run before I/O in each turn of the event loop. After a stall of this process (GC, a
    // busy CPU) the timer would win over a reply that is already waiting in the socket: give I/O
    // one turn first, so only a Redis that really has not answered counts as a timeout (and as a
    // breaker failure; with several calls in flight, one stall would otherwise open the circuit).
    timer = setTimeout(() => {
      immediate = setImmediate(() => reject(new CacheTimeoutError(ms)));
    }, ms);
  });
  return Promise.race([work, expired]).finally(() => {
    clearTimeout(timer);
    clearImmediate(immediate);
  });
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
