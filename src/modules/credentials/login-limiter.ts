// Failed sign-ins counted per account and per IP (rate-limiter-flexible: Redis when configured, with
// an in-memory insurance limiter so a Redis outage degrades to per-instance counting instead of
// failing sign-in; pure memory on the embedded default).
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { Config } from "../../config.js";
import type { Cache } from "../../cache/types.js";

export interface LoginLimiter {
  /** Seconds to wait if either counter is over its limit, else 0. Does not consume. */
  blockedFor(email: string, ip: string | null): Promise<number>;
  /** Count one failure against the account and the IP. */
  fail(email: string, ip: string | null): Promise<void>;
  /** A successful sign-in clears the account counter (the IP counter keeps its window). */
  succeed(email: string): Promise<void>;
  /**
   * Unknown emails "lock" exactly like accounts (same threshold and period): otherwise the lockout
   * itself would tell which emails exist. When this one is locked, until when (from `now`), else null.
   */
  phantomLockedUntil(email: string, now: Date): Promise<Date | null>;
  /** Count a failure against an unknown email; the LOCKOUT_AFTER_FAILURES-th locks it for LOCKOUT_SECONDS. */
  phantomFail(email: string): Promise<void>;
}

function limiter(cache: Cache, prefix: string, points: number, duration: number, timeoutMs: number): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix: prefix, points, duration });
  if (!cache.redis) return memory;
  // Keys land under `auth:` through the client's keyPrefix.
  return new RateLimiterRedis({ storeClient: cache.redis, keyPrefix: prefix, points, duration, insuranceLimiter: memory, timeoutMs } as ConstructorParameters<typeof RateLimiterRedis>[0]);
}

function secondsLeft(res: RateLimiterRes | null, limit: number): number {
  if (!res || res.consumedPoints < limit) return 0;
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

export function createLoginLimiter(config: Config, cache: Cache): LoginLimiter {
  const account = limiter(cache, "login:acct", config.LOGIN_MAX_FAILURES_PER_ACCOUNT, config.LOGIN_WINDOW_SECONDS, config.CACHE_TIMEOUT_MS);
  const byIp = limiter(cache, "login:ip", config.LOGIN_MAX_FAILURES_PER_IP, config.LOGIN_WINDOW_SECONDS, config.CACHE_TIMEOUT_MS);
  // Like users.failedLoginCount, which no window resets; a day bounds what an email spray leaves behind.
  const phantom = limiter(cache, "login:phantom", config.LOCKOUT_AFTER_FAILURES, Math.max(86_400, config.LOCKOUT_SECONDS), config.CACHE_TIMEOUT_MS);
  const safeGet = (l: RateLimiterAbstract, key: string) => l.get(key).catch(() => null);
  // consume() rejects with a RateLimiterRes when over the limit; that is expected here.
  const safeConsume = (l: RateLimiterAbstract, key: string) => l.consume(key).then(() => undefined, () => undefined);
  return {
    async blockedFor(email, ip) {
      const [a, i] = await Promise.all([safeGet(account, email), ip ? safeGet(byIp, ip) : Promise.resolve(null)]);
      return Math.max(secondsLeft(a, config.LOGIN_MAX_FAILURES_PER_ACCOUNT), secondsLeft(i, config.LOGIN_MAX_FAILURES_PER_IP));
    },
    async fail(email, ip) {
      await Promise.all([safeConsume(account, email), ip ? safeConsume(byIp, ip) : Promise.resolve()]);
    },
    async succeed(email) {
      await account.delete(email).catch(() => false);
    },
    async phantomLockedUntil(email, now) {
      const res = await safeGet(phantom, email);
      // block() stores points + 1, which no run of failures reaches on its own.
      if (!res || res.consumedPoints <= config.LOCKOUT_AFTER_FAILURES) return null;
      return new Date(now.getTime() + res.msBeforeNext);
    },
    async phantomFail(email) {
      const res = await phantom.consume(email).catch((r: unknown) => (r instanceof RateLimiterRes ? r : null));
      if (res && res.consumedPoints >= config.LOCKOUT_AFTER_FAILURES) await phantom.block(email, config.LOCKOUT_SECONDS).catch(() => undefined);
    },
  };
}
