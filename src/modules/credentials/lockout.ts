// Account lockout, reserved before the password is checked. A real account's attempt is one UPDATE
// that counts it as a failure up front (so concurrent attempts each see their own count, across
// instances) and, on the LOCKOUT_AFTER_FAILURES-th, sets lockedUntil; a success clears both. Unknown
// emails lock exactly the same way (same threshold, period and answer) from the cache, so the lockout
// tells nobody which emails exist. A source (address bucket) that signed in to the account recently
// has a lockout counter of its own, so a stranger cannot keep the owner out.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { App } from "../../app.js";
import { cachedDate } from "../../cache/fragments.js";
import { keys } from "../../cache/keys.js";
import { addressBucket } from "./login-limiter.js";

export type Reservation = { locked: false; locksOnFailure: boolean } | { locked: true; lockedUntil: Date };

const digest = (value: string): string => createHash("sha256").update(value).digest("hex").slice(0, 32);

const counterSchema = z.object({ count: z.number().int().nonnegative(), lockedUntil: cachedDate.nullable() });
type Counter = z.infer<typeof counterSchema>;

function parseCounter(raw: string): Counter | null {
  try {
    const parsed = counterSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // junk is overwritten by the next compare-and-set
  }
}

/** The same rule as the UPDATE in reserveAccount, for a counter kept in the cache. */
function next(current: Counter | null, now: Date, threshold: number, lockMs: number): Reservation & { state?: Counter } {
  if (current?.lockedUntil && current.lockedUntil > now) return { locked: true, lockedUntil: current.lockedUntil };
  const count = current?.lockedUntil ? 1 : (current?.count ?? 0) + 1;
  const lockedUntil = count >= threshold ? new Date(now.getTime() + lockMs) : null;
  return { locked: false, locksOnFailure: lockedUntil !== null, state: { count, lockedUntil } };
}

export interface Lockout {
  /** One attempt against a real account. */
  reserveAccount(userId: string, now: Date): Promise<Reservation>;
  /** One attempt against an email no account has. */
  reservePhantom(email: string, now: Date): Promise<Reservation>;
  /** One attempt from a source that signed in to this account recently; null when it has not. */
  reserveKnownSource(userId: string, ip: string | null, now: Date): Promise<Reservation | null>;
  /** After a success: this source is known to the account for LOGIN_KNOWN_SOURCE_DAYS, its count starts again. */
  remember(userId: string, ip: string | null): Promise<void>;
}

export function createLockout(app: Pick<App, "config" | "cache" | "db">): Lockout {
  const { config, cache } = app;
  const threshold = config.LOCKOUT_AFTER_FAILURES;
  const lockMs = config.LOCKOUT_SECONDS * 1000;
  // Like users.failedLoginCount, which no window resets; a day bounds what an email spray leaves behind.
  const counterTtlMs = Math.max(86_400_000, lockMs);

  /** Compare-and-set until this attempt's increment lands, so concurrent attempts never share a count. */
  const reserveInCache = async (key: string, now: Date): Promise<Reservation> => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const raw = await cache.get(key);
      const current = raw === null ? null : parseCounter(raw);
      const { state, ...reservation } = next(current, now, threshold, lockMs);
      if (!state) return reservation;
      if (await cache.compareAndSet(key, raw, JSON.stringify(state), counterTtlMs)) return reservation;
    }
    // The cache would not take the increment (unavailable, or extreme contention): refuse this attempt.
    return { locked: true, lockedUntil: new Date(now.getTime() + lockMs) };
  };

  return {
    async reserveAccount(userId, now) {
      const lockUntil = new Date(now.getTime() + lockMs);
      // An expired lock starts the count again at this attempt.
      const rows = await app.db.prisma.$queryRaw<{ lockedUntil: Date | null }[]>`
        UPDATE users SET
          failed_login_count = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_login_count + 1 END,
          locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_login_count + 1 END) >= ${threshold}::int THEN ${lockUntil}::timestamptz END
        WHERE id = ${userId}::uuid AND (locked_until IS NULL OR locked_until <= ${now}::timestamptz)
        RETURNING locked_until AS "lockedUntil"`;
      const row = rows[0];
      if (row) return { locked: false, locksOnFailure: row.lockedUntil !== null };
      const current = await app.db.prisma.user.findUnique({ where: { id: userId }, select: { lockedUntil: true } });
      return { locked: true, lockedUntil: current?.lockedUntil ?? lockUntil };
    },

    reservePhantom(email, now) {
      return reserveInCache(keys.phantomAttempts(digest(email)), now);
    },

    async reserveKnownSource(userId, ip, now) {
      const bucket = addressBucket(ip);
      if (!bucket || config.LOGIN_KNOWN_SOURCE_DAYS === 0) return null;
      const source = digest(bucket);
      if ((await cache.get(keys.knownSource(userId, source))) === null) return null;
      return reserveInCache(keys.sourceAttempts(userId, source), now);
    },

    async remember(userId, ip) {
      const bucket = addressBucket(ip);
      if (!bucket || config.LOGIN_KNOWN_SOURCE_DAYS === 0) return;
      const source = digest(bucket);
      // Every attempt is counted before the password is checked; a success clears the source's count,
      // as it clears the account's, or the owner would lock themselves out after that many sign-ins.
      await Promise.all([
        cache.set(keys.knownSource(userId, source), "1", config.LOGIN_KNOWN_SOURCE_DAYS * 86_400_000),
        cache.del([keys.sourceAttempts(userId, source)]),
      ]);
    },
  };
}
