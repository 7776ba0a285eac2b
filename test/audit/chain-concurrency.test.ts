// 200 concurrent audited mutations from 20 users: exactly 200 new events, linked into ONE linear chain.
import { describe, expect } from "vitest";
import { instanceTest } from "../helpers/fixture.js";
import type { SignedIn } from "../helpers/instance.js";
import { integrity, linkAll, maxEventId } from "../helpers/audit.js";

// More connections than the default 10, so the burst does not queue on the pool (Prisma's 2 s maxWait
// for a connection), which a starved CI host can exceed even for plain reads.
const test = instanceTest({ env: { DATABASE_POOL_MAX: "25" } });

describe("audit chain under concurrency", () => {
  test("200 concurrent sign-ins and refreshes from 20 users append exactly 200 events in one valid chain", async ({ t, admin }) => {
    const users = await Promise.all(Array.from({ length: 20 }, () => t.signInAs({})));
    const before = await maxEventId(t);

    const signIn = (u: SignedIn) =>
      t.gql<{ signIn: { __typename: string } }>(`mutation($input: SignInInput!) { signIn(input: $input) { __typename } }`, { input: { email: u.email, password: u.password } });
    const refresh = (u: SignedIn) => t.gql<{ refreshSession: { __typename: string } }>(`mutation { refreshSession { __typename } }`, {}, { token: u.token });
    const calls = users.flatMap((u) => Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? signIn(u).then((r) => ({ r, expected: "SignInSuccess" })) : refresh(u).then((r) => ({ r, expected: "Session" })))));
    for (const { r, expected } of await Promise.all(calls)) {
      expect(r.errors).toBeUndefined();
      const payload = Object.values(r.data ?? {})[0] as { __typename: string } | undefined;
      expect(payload?.__typename).toBe(expected);
    }

    await linkAll(t);
    const rows = await t.db.auditEvent.findMany({ where: { id: { gt: before } }, orderBy: { id: "asc" }, select: { id: true, type: true, actorUserId: true, prevHash: true, hash: true } });
    expect(rows).toHaveLength(200);
    expect(rows.filter((r) => r.type === "SIGN_IN_SUCCEEDED")).toHaveLength(100);
    expect(rows.filter((r) => r.type === "SESSION_REFRESHED")).toHaveLength(100);
    for (const u of users) expect(rows.filter((r) => r.actorUserId === u.userId)).toHaveLength(10);

    // Linear: every new event links to the one before it in id order; no two share a predecessor.
    const head = await t.db.auditEvent.findUniqueOrThrow({ where: { id: before }, select: { hash: true } });
    let prev = head.hash;
    for (const r of rows) {
      expect(r.prevHash).toBe(prev);
      prev = r.hash;
    }
    expect(new Set(rows.map((r) => r.prevHash)).size).toBe(200);

    const report = await integrity(t, admin.token);
    expect(report.ok).toBe(true);
    expect(report.firstBrokenEventId).toBeNull();
    expect(report.checkedCount).toBe(await t.db.auditEvent.count());
  });
});
