import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstance } from "../helpers/instance.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";
import { HOUR, Q, mutate, signIn, viewer } from "../helpers/session-ops.js";

let a: TestInstance;
let b: TestInstance;
beforeAll(async () => {
  a = await createTestInstance();
  b = await a.sibling();
});
afterAll(async () => {
  await a?.close();
});

type Revoker = (u: SignedIn) => Promise<void>;

/** Each way of revoking, performed on instance A; `u`'s token must die everywhere. */
const revokers: [string, Revoker][] = [
  ["signOut", async (u) => expect((await mutate(a, Q.signOut, {}, u.token)).__typename).toBe("SignOutSuccess")],
  ["revokeSession (own)", async (u) => expect((await mutate(a, Q.revoke, { id: u.sessionGid }, u.token)).__typename).toBe("Session")],
  [
    "revokeSession (operator)",
    async (u) => {
      const op = await a.signInAs({ permissions: ["sessions:revoke"] });
      expect((await mutate(a, Q.revoke, { id: u.sessionGid }, op.token)).__typename).toBe("Session");
    },
  ],
  ["revokeAllSessions(keepCurrent: false)", async (u) => expect((await mutate(a, Q.revokeAll, { userId: u.userGid, keepCurrent: false }, u.token)).__typename).toBe("RevokeAllSessionsSuccess")],
  [
    "revokeAllSessions from another session (keepCurrent: true)",
    async (u) => {
      const other = await signIn(a, u.email, u.password);
      expect((await mutate(a, Q.revokeAll, { userId: u.userGid, keepCurrent: true }, other.token)).revokedCount).toBe(1);
    },
  ],
  [
    "changePassword from another session",
    async (u) => {
      const other = await signIn(a, u.email, u.password);
      const r = await mutate(a, Q.changePassword, { input: { currentPassword: u.password, newPassword: "a-brand-new-password" } }, other.token);
      expect(r.revokedSessionCount).toBe(1);
    },
  ],
];

describe("revocation across instances sharing Postgres and Redis", () => {
  it.each(revokers)("%s on A: the very next request on B is anonymous", async (_name, revoke) => {
    const u = await a.signInAs({});
    // B has the session cached (and A too), so only the invalidation can stop it.
    expect(await viewer(b, u.token)).not.toBeNull();
    expect(await viewer(a, u.token)).not.toBeNull();
    await revoke(u);
    expect(await viewer(b, u.token)).toBeNull();
    expect(await viewer(a, u.token)).toBeNull();
    // And it stays dead once the tombstone is gone (loaded from Postgres again).
    await b.app.cache.del([`session:${u.sessionId}`]);
    expect(await viewer(b, u.token)).toBeNull();
  });

  it("a revoked token cannot mutate on B either", async () => {
    const u = await a.signInAs({});
    await viewer(b, u.token);
    await mutate(a, Q.signOut, {}, u.token);
    expect((await mutate(b, Q.refresh, {}, u.token)).__typename).toBe("UnauthenticatedError");
  });
});

describe("race: validate loops on B while A revokes", () => {
  interface Sample {
    start: number;
    admitted: boolean;
  }

  async function round(opts: { coldCache: boolean; extensionDue: boolean; loops: number }): Promise<{ samples: Sample[]; revokedAt: number }> {
    const u = await a.signInAs({});
    if (!opts.coldCache) await viewer(b, u.token);
    if (opts.extensionDue) {
      // Every loop's first request now runs the sliding-extension UPDATE + cache write-back.
      a.clock.advance(HOUR + 1000);
      b.clock.advance(HOUR + 1000);
    }
    const samples: Sample[] = [];
    let stopAt = performance.now() + 10_000; // a bound even if the revoke never returned
    const loop = async (): Promise<void> => {
      while (performance.now() < stopAt) {
        if (opts.coldCache) await b.app.cache.del([`session:${u.sessionId}`]); // force DB loads + write-backs
        const start = performance.now();
        const v = await viewer(b, u.token);
        samples.push({ start, admitted: v !== null });
      }
    };
    const loops = Array.from({ length: opts.loops }, loop);
    await new Promise((r) => setTimeout(r, 40));
    await mutate(a, Q.signOut, {}, u.token);
    const revokedAt = performance.now();
    stopAt = revokedAt + 150;
    await Promise.all(loops);
    return { samples, revokedAt };
  }

  it.each([
    ["warm cache", false, false],
    ["cold cache (DB loads racing the tombstone)", true, false],
    ["extension due (UPDATE + write-back racing the revoke)", false, true],
  ])("%s: no request that started after the revoke returned sees the viewer", async (_name, coldCache, extensionDue) => {
    let before = 0;
    let after = 0;
    for (let i = 0; i < 5; i++) {
      const { samples, revokedAt } = await round({ coldCache, extensionDue, loops: 8 });
      const late = samples.filter((s) => s.start > revokedAt);
      expect(late.filter((s) => s.admitted)).toEqual([]);
      before += samples.filter((s) => s.start < revokedAt && s.admitted).length;
      after += late.length;
    }
    // The loops really overlapped the revoke on both sides.
    expect(before).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(20);
  });
});

describe("on the in-process cache (single instance)", () => {
  let m: TestInstance;
  beforeAll(async () => {
    m = await createTestInstance({ memoryCache: true });
  });
  afterAll(async () => {
    await m?.close();
  });

  it("revoke kills the cached token at once; a cached viewer costs no SQL", async () => {
    const u = await m.signInAs({});
    expect(await viewer(m, u.token)).not.toBeNull();
    m.statements.reset();
    expect(await viewer(m, u.token)).not.toBeNull();
    expect(m.statements.count).toBe(0);
    const other = await signIn(m, u.email, u.password);
    expect(await viewer(m, other.token ?? null)).not.toBeNull();
    expect((await mutate(m, Q.revokeAll, { userId: u.userGid, keepCurrent: true }, u.token)).revokedCount).toBe(1);
    expect(await viewer(m, other.token ?? null)).toBeNull();
    expect((await mutate(m, Q.signOut, {}, u.token)).__typename).toBe("SignOutSuccess");
    expect(await viewer(m, u.token)).toBeNull();
  });

  it("race on one instance: no request started after the revoke returned is admitted", async () => {
    const u = await m.signInAs({});
    await viewer(m, u.token);
    const late: boolean[] = [];
    let revokedAt = Number.POSITIVE_INFINITY;
    let stopAt = performance.now() + 10_000; // a bound even if the revoke never returned
    const loop = async (): Promise<void> => {
      while (performance.now() < stopAt) {
        // On the in-process cache a cached viewer needs no I/O at all: without yielding to the event
        // loop the loops would starve the timers (and the revoke) forever.
        await new Promise((r) => setImmediate(r));
        const start = performance.now();
        const v = await viewer(m, u.token);
        if (start > revokedAt) late.push(v !== null);
      }
    };
    const loops = Array.from({ length: 6 }, loop);
    await new Promise((r) => setTimeout(r, 30));
    await mutate(m, Q.signOut, {}, u.token);
    revokedAt = performance.now();
    stopAt = revokedAt + 100;
    await Promise.all(loops);
    expect(late.length).toBeGreaterThan(5);
    expect(late.filter(Boolean)).toEqual([]);
  });
});
