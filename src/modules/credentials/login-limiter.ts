// Attempt windows (rate-limiter-flexible: Redis when configured, with an in-memory insurance limiter
// so a Redis outage degrades to per-instance counting instead of failing sign-in; pure memory on the
// embedded default). Every attempt is RESERVED (an atomic consume) before any password is checked and
// given back when it succeeds, so N concurrent attempts — a batch, aliases, parallel requests, other
// instances — never get more answers than the limit allows.
import { createHash } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { Cache } from "../../cache/types.js";
import type { Config } from "../../config.js";

export interface LoginLimiter {
  /** Reserves one attempt for the client address and one for the account: 0 = go ahead, else seconds to wait. */
  reserve(accountKey: string, ip: string | null): Promise<number>;
  /** A successful attempt gives both reservations back (the account window starts over). */
  release(accountKey: string, ip: string | null): Promise<void>;
  /** An attempt that never got an answer (the database unavailable) gives its reservation back, and only its own. */
  refund(accountKey: string, ip: string | null): Promise<void>;
  /** Reserves one attempt for the client address alone (an attempt whose account is not known yet): 0 = go ahead, else seconds to wait. */
  reserveAddress(ip: string | null): Promise<number>;
  /** Reserves one sign-up for the client address and one in the global window: 0 = go ahead, else seconds to wait. */
  reserveSignUp(ip: string | null): Promise<number>;
  /** Reserves one account-mail request (verification, reset, email change) for the client address and for the email address. */
  reserveMail(email: string, ip: string | null): Promise<number>;
}

export function limiter(cache: Cache, prefix: string, points: number, duration: number, timeoutMs: number): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix: prefix, points, duration });
  if (!cache.redis) return memory;
  // Keys land under `auth:` through the client's keyPrefix.
  return new RateLimiterRedis({ storeClient: cache.redis, keyPrefix: prefix, points, duration, insuranceLimiter: memory, timeoutMs } as ConstructorParameters<typeof RateLimiterRedis>[0]);
}

/**
 * Consumes one point; the seconds to wait when that went over the limit, else 0. A cache failure
 * the insurance limiter could not absorb counts as allowed: the database lockout still applies.
 */
export async function consume(l: RateLimiterAbstract, key: string): Promise<number> {
  try {
    await l.consume(key);
    return 0;
  } catch (rejection) {
    return rejection instanceof RateLimiterRes ? Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) : 0;
  }
}

const expandIPv6 = (ip: string): string[] => {
  const [head = "", tail] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill("0"), ...right];
};

/**
 * The unit an address is limited by: an IPv4 address, or an IPv6 /64 (one subscriber usually has a
 * whole /64, so per-address limits would be free to evade). IPv4-mapped IPv6 counts as IPv4.
 */
export function addressBucket(ip: string | null): string | null {
  if (!ip) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return ip;
  return `${expandIPv6(ip.split("%")[0] ?? ip)
    .slice(0, 4)
    .map((h) => Number.parseInt(h, 16).toString(16))
    .join(":")}::/64`;
}

export function createLoginLimiter(config: Config, cache: Cache): LoginLimiter {
  const t = config.CACHE_TIMEOUT_MS;
  const account = limiter(cache, "login:acct", config.LOGIN_MAX_FAILURES_PER_ACCOUNT, config.LOGIN_WINDOW_SECONDS, t);
  const byAddress = limiter(cache, "login:ip", config.LOGIN_MAX_FAILURES_PER_IP, config.LOGIN_WINDOW_SECONDS, t);
  const signUpByAddress = limiter(cache, "signup:ip", config.SIGNUP_MAX_PER_IP, config.SIGNUP_WINDOW_SECONDS, t);
  const signUpGlobal = limiter(cache, "signup:all", config.SIGNUP_MAX_PER_MINUTE, 60, t);
  const mailByAddress = limiter(cache, "mail:ip", config.ACCOUNT_MAIL_MAX_PER_IP, config.ACCOUNT_MAIL_WINDOW_SECONDS, t);
  const mailByEmail = limiter(cache, "mail:to", config.ACCOUNT_MAIL_MAX_PER_ADDRESS, config.ACCOUNT_MAIL_WINDOW_SECONDS, t);
  return {
    async reserve(accountKey, ip) {
      const bucket = addressBucket(ip);
      // The address first: a client over its limit learns nothing about the account.
      const addressWait = bucket ? await consume(byAddress, bucket) : 0;
      if (addressWait > 0) return addressWait;
      return consume(account, accountKey);
    },
    async refund(accountKey, ip) {
      const bucket = addressBucket(ip);
      await Promise.all([account.reward(accountKey).catch(() => undefined), bucket ? byAddress.reward(bucket).catch(() => undefined) : undefined]);
    },
    async reserveAddress(ip) {
      const bucket = addressBucket(ip);
      return bucket ? consume(byAddress, bucket) : 0;
    },
    async release(accountKey, ip) {
      const bucket = addressBucket(ip);
      await Promise.all([account.delete(accountKey).catch(() => false), bucket ? byAddress.reward(bucket).catch(() => undefined) : undefined]);
    },
    async reserveSignUp(ip) {
      const bucket = addressBucket(ip);
      // An address already refused for sign-in failures is refused sign-up too (no existence probes from it).
      const refused = bucket ? await byAddress.get(bucket).catch(() => null) : null;
      if (refused && refused.consumedPoints > config.LOGIN_MAX_FAILURES_PER_IP) return Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
      const addressWait = bucket ? await consume(signUpByAddress, bucket) : 0;
      if (addressWait > 0) return addressWait;
      return consume(signUpGlobal, "all");
    },
    async reserveMail(email, ip) {
      const bucket = addressBucket(ip);
      const addressWait = bucket ? await consume(mailByAddress, bucket) : 0;
      if (addressWait > 0) return addressWait;
      // Keyed by a digest: the cache need not hold a list of addresses people asked mail for.
      return consume(mailByEmail, createHash("sha256").update(email).digest("hex").slice(0, 32));
    },
  };
}
