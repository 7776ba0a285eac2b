// A read racing a revoke must never put the revoked session back into the cache. Instance B reads
// a session nobody has cached (so it loads the row and writes it back) while instance A revokes it;
// whatever the interleaving, once A's revoke has returned B refuses the token, and keeps refusing.
// The write-back is a compare-and-set against "absent", the revoke an unconditional tombstone that
// nothing ever deletes (a tombstone Redis did not confirm is written again from the outbox).
import { describe, expect } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { TOMBSTONE } from "../../src/cache/invalidation.js";
import { invalidateSessions, revokeSessionsInTx } from "../../src/modules/sessions/revoke.js";
import { createSessionInTx } from "../../src/modules/sessions/start.js";
import { resolveViewer } from "../../src/modules/sessions/validate.js";
import { privateRedisTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { startTcpProxy } from "../helpers/tcp-proxy.js";

const test = privateRedisTest({ CACHE_OUTBOX_INTERVAL_MS: "20", CACHE_INVALIDATION_WAIT_MS: "3000" })
  .extend("b", { scope: "file" }, async ({ t }) => t.sibling())
  .extend("slowProxy", { scope: "file" }, async ({ redis }, { onCleanup }) => {
    const proxy = await startTcpProxy({ host: "127.0.0.1", port: redis.port });
    onCleanup(() => proxy.close());
    return proxy;
  })
  // A revoking instance whose Redis replies arrive after its time box: its tombstones time out on
  // its side but land in Redis later.
  .extend("slowA", { scope: "file" }, async ({ t, slowProxy }) =>
    t.sibling({ REDIS_URL: `redis://127.0.0.1:${slowProxy.port}`, CACHE_TIMEOUT_MS: "5", CACHE_BREAKER_FAILURES: "1000" }),
  );

const REQUEST = { requestId: "race", ip: null, userAgent: null };

async function newSession(t: TestInstance, userId: string): Promise<{ id: string; token: string }> {
  const { token, session } = await t.app.db.prisma.$transaction((tx) => createSessionInTx(t.app, tx, userId, REQUEST));
  return { id: session.id, token };
}

async function revoke(t: TestInstance, sessionId: string): Promise<void> {
  const revocation = await t.app.db.prisma.$transaction((tx) => revokeSessionsInTx(t.app, tx, { id: sessionId }, "revoked", async () => undefined));
  await invalidateSessions(t.app, revocation);
}

/** One race; true when B still accepted the token after the revoke returned. */
async function leaks(reader: TestInstance, revoker: TestInstance, userId: string, i: number): Promise<boolean> {
  const s = await newSession(revoker, userId);
  // The read starts a little before, with, or after the revoke, so every interleaving occurs.
  const read = (async () => {
    for (let k = 0; k < i % 3; k++) await Promise.resolve();
    return resolveViewer(reader.app, s.token);
  })();
  await Promise.all([read, revoke(revoker, s.id)]);
  return (await resolveViewer(reader.app, s.token)) !== null || (await resolveViewer(reader.app, s.token)) !== null;
}

/** Runs the race `n` times, `parallel` at once; returns the iterations in which B leaked. */
async function race(reader: TestInstance, revoker: TestInstance, userId: string, n: number, parallel = 8): Promise<number[]> {
  const leaked: number[] = [];
  for (let i = 0; i < n; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, n - i) }, (_, k) => i + k);
    const results = await Promise.all(batch.map((j) => leaks(reader, revoker, userId, j)));
    batch.forEach((j, k) => results[k] && leaked.push(j));
  }
  return leaked;
}

describe("a read racing a revoke", () => {
  test("2,000 races on healthy Redis: B never accepts the token after the revoke returns", { timeout: 120_000 }, async ({ t: a, b, raw, prefix }) => {
    const user = await a.signInAs({});
    expect(await race(b, a, user.userId, 2000)).toEqual([]);
    const last = await newSession(a, user.userId);
    await revoke(a, last.id);
    expect(await raw.get(`${prefix}${keys.session(last.id)}`)).toBe(TOMBSTONE);
  });

  test("200 races while the revoker's tombstones time out but land late: B never accepts the token after the revoke returns", { timeout: 120_000 }, async ({ b, slowA, slowProxy }) => {
    const user = await b.signInAs({});
    slowProxy.delay(15);
    try {
      expect(await race(b, slowA, user.userId, 200)).toEqual([]);
    } finally {
      slowProxy.delay(0);
    }
  });
});
