// A revoked token is refused by every instance on its very next request, including requests racing
// the revoke from other loops.
import { describe, expect } from "vitest";
import { instanceTest, test } from "../helpers/fixture.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";
import { HOUR, Q, mutate, signIn, viewer } from "../helpers/session-ops.js";

/** A second gateway (`b`) on the same database and Redis namespace as `t`. */
const twoInstances = test.extend("b", { scope: "file" }, async ({ t }) => t.sibling());
/** A single instance on the in-process cache. */
const memoryTest = instanceTest({ memoryCache: true });

type Revoker = (a: TestInstance, u: SignedIn) => Promise<void>;

/** Each way of revoking, performed on instance A; `u`'s token must die everywhere. */
const revokers: [string, Revoker][] = [
  ["signOut", async (a, u) => expect((await mutate(a, Q.signOut, {}, u.token)).__typename).toBe("SignOutSuccess")],
  ["revokeSession (own)", async (a, u) => expect((await mutate(a, Q.revoke, { id: u.sessionGid }, u.token)).__typename).toBe("Session")],
  [
    "revokeSession (operator)",
    async (a, u) => {
      const op = await a.signInAs({ permissions: ["sessions:revoke"] });
      expect((await mutate(a, Q.revoke, { id: u.sessionGid }, op.token)).__typename).toBe("Session");
    },
  ],
  ["revokeAllSessions(keepCurrent: false)", async (a, u) => expect((await mutate(a, Q.revokeAll, { userId: u.userGid, keepCurrent: false }, u.token)).__typename).toBe("RevokeAllSessionsSuccess")],
  [
    "revokeAllSessions from another session (keepCurrent: true)",
    async (a, u) => {
      const other = await signIn(a, u.email, u.password);
      expect((await mutate(a, Q.revokeAll, { userId: u.userGid, keepCurrent: true }, other.token)).revokedCount).toBe(1);
    },
  ],
  [
    "changePassword from another session",
    async (a, u) => {
      const other = await signIn(a, u.email, u.password);
      const r = await mutate(a, Q.changePassword, { input: { currentPassword: u.password, newPassword: "a-brand-new-password" } }, other.token);
      expect(r.revokedSessionCount).toBe(1);
    },
  ],
];

describe("revocation across instances sharing Postgres and Redis", () => {
  twoInstances.for(revokers)("%s on A: the very next request on B is anonymous", async ([, revoke], { t: a, b, member: u }) => {
    // B has the session cached (and A too), so only the invalidation can stop it.
    expect(await viewer(b, u.token)).not.toBeNull();
    expect(await viewer(a, u.token)).not.toBeNull();
    await revoke(a, u);
    expect(await viewer(b, u.token)).toBeNull();
    expect(await viewer(a, u.token)).toBeNull();
    // And it stays dead once the tombstone is gone (loaded from Postgres again).
    await b.app.cache.del([`session:${u.sessionId}`]);
    expect(await viewer(b, u.token)).toBeNull();
  });

  twoInstances("a revoked token cannot mutate on B either", async ({ t: a, b, member: u }) => {
    await viewer(b, u.token);
    await mutate(a, Q.signOut, {}, u.token);
    expect((await mutate(b, Q.refresh, {}, u.token)).__typename).toBe("UnauthenticatedError");
  });
});

interface Sample {
  /** The request started after the revoke had returned. */
  late: boolean;
  admitted: boolean;
}

/**
 * `loops` concurrent viewer loops on `on` while `revoke` runs. The revoke starts once a request has
 * been admitted; the loops stop once `lateRequests` requests have started after it returned.
 * `beforeRequest` (e.g. dropping the cached fragment, so requests load from Postgres) runs only until
 * the revoke starts, and none is in flight when it does: dropping the revoke's tombstone would be a
 * race the test made, not one the gateway can win.
 */
async function race(on: TestInstance, token: string, revoke: () => Promise<unknown>, opts: { loops: number; lateRequests: number; beforeRequest?: () => Promise<unknown> }): Promise<Sample[]> {
  const samples: Sample[] = [];
  let revoking = false;
  let revoked = false;
  let preparing = 0;
  // Resolves as soon as no beforeRequest is in flight, so loads they led to still race the revoke.
  let prepared: () => void = () => undefined;
  const quiet = new Promise<void>((resolve) => (prepared = resolve));
  let stop = false;
  let late = 0;
  const loop = async (): Promise<void> => {
    while (!stop) {
      // A cached viewer on the in-process cache needs no I/O: yield so the revoke gets its turn.
      await new Promise((r) => setImmediate(r));
      if (opts.beforeRequest && !revoking) {
        preparing++;
        await opts.beforeRequest().finally(() => {
          if (--preparing === 0 && revoking) prepared();
        });
      }
      const startedLate = revoked;
      const admitted = (await viewer(on, token)) !== null;
      samples.push({ late: startedLate, admitted });
      if (startedLate && ++late >= opts.lateRequests) stop = true;
    }
  };
  const loops = Array.from({ length: opts.loops }, loop);
  try {
    await expect.poll(() => samples.some((s) => s.admitted)).toBe(true);
    revoking = true;
    if (preparing === 0) prepared();
    await quiet;
    await revoke();
    revoked = true;
  } finally {
    if (!revoked) stop = true;
    await Promise.all(loops);
  }
  return samples;
}

describe("race: validate loops on B while A revokes", () => {
  twoInstances.for([
    ["warm cache", false, false],
    ["cold cache (DB loads racing the tombstone)", true, false],
    ["extension due (UPDATE + write-back racing the revoke)", false, true],
  ] as const)("%s: no request that started after the revoke returned sees the viewer", async ([, coldCache, extensionDue], { t: a, b }) => {
    let before = 0;
    let after = 0;
    for (let round = 0; round < 5; round++) {
      const u = await a.signInAs({});
      if (!coldCache) await viewer(b, u.token);
      if (extensionDue) {
        // Every loop's first request now runs the sliding-extension UPDATE + cache write-back.
        a.clock.advance(HOUR + 1000);
        b.clock.advance(HOUR + 1000);
      }
      const samples = await race(b, u.token, () => mutate(a, Q.signOut, {}, u.token), {
        loops: 8,
        lateRequests: 8,
        // Cold: every request loads from Postgres and writes back, racing the tombstone.
        ...(coldCache ? { beforeRequest: () => b.app.cache.del([`session:${u.sessionId}`]) } : {}),
      });
      expect(samples.filter((s) => s.late && s.admitted)).toEqual([]);
      before += samples.filter((s) => !s.late && s.admitted).length;
      after += samples.filter((s) => s.late).length;
    }
    // The loops really overlapped the revoke on both sides.
    expect(before).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(20);
  });
});

describe("on the in-process cache (single instance)", () => {
  memoryTest("revoke kills the cached token at once; a cached viewer costs no SQL", async ({ t: m, member: u }) => {
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

  memoryTest("race on one instance: no request started after the revoke returned is admitted", async ({ t: m, member: u }) => {
    await viewer(m, u.token);
    const samples = await race(m, u.token, () => mutate(m, Q.signOut, {}, u.token), { loops: 6, lateRequests: 6 });
    expect(samples.filter((s) => s.late).length).toBeGreaterThan(5);
    expect(samples.filter((s) => s.late && s.admitted)).toEqual([]);
  });
});
