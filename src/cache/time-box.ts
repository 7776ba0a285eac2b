// A hard upper bound on how long any cache call may hold up a request. ioredis' commandTimeout
// covers single commands; this also covers pipelines, MULTI and the breaker's half-open wait.

export class CacheTimeoutError extends Error {
  constructor(ms: number) {
    super(`no reply within ${ms}ms`);
    this.name = "CacheTimeoutError";
  }
}

export function timeBox<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CacheTimeoutError(ms)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
