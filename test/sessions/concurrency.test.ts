// Many sign-ins and revokes at once: each succeeds exactly once, with exactly its audit events.
import { describe, expect } from "vitest";
import { test } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { Q, lastAuditId, mutate, signIn, viewer } from "../helpers/session-ops.js";
import type { Result } from "../helpers/session-ops.js";

const N = 100;
const PASSWORD = "correct-horse-battery";

async function countEvents(t: TestInstance, type: "SIGN_IN_SUCCEEDED" | "SESSION_REVOKED" | "ALL_SESSIONS_REVOKED", since: bigint): Promise<number> {
  return t.db.auditEvent.count({ where: { type, id: { gt: since } } });
}

describe(`${N} concurrent operations`, () => {
  const signedIn: { userId: string; token: string; sessionGid: string }[] = [];

  test(`${N} concurrent sign-ins of distinct users all succeed, with exactly ${N} events and sessions`, async ({ t }) => {
    const passwordHash = await t.app.passwords.hash(PASSWORD);
    const emails = Array.from({ length: N }, (_, i) => `concurrent-${i}@example.com`);
    await t.db.user.createMany({ data: emails.map((email) => ({ email, name: email, passwordHash })) });
    const since = await lastAuditId(t);
    const sessionsBefore = await t.db.session.count();

    const results = await Promise.all(emails.map((email) => signIn(t, email, PASSWORD)));
    expect(results.filter((r) => r.__typename !== "SignInSuccess")).toEqual([]);
    for (const r of results) signedIn.push({ userId: r.user?.id ?? "", token: r.token ?? "", sessionGid: r.session?.id ?? "" });

    expect(new Set(results.map((r) => r.token)).size).toBe(N);
    expect(await countEvents(t, "SIGN_IN_SUCCEEDED", since)).toBe(N);
    expect(await t.db.auditEvent.count({ where: { id: { gt: since } } })).toBe(N);
    expect((await t.db.session.count()) - sessionsBefore).toBe(N);
    const viewers = await Promise.all(signedIn.map((s) => viewer(t, s.token)));
    expect(viewers.every((v) => v !== null)).toBe(true);
  });

  test(`${N} concurrent revokes all succeed, with exactly ${N} events; every token is dead`, async ({ t }) => {
    expect(signedIn).toHaveLength(N);
    const since = await lastAuditId(t);
    const results = await Promise.all(signedIn.map((s) => mutate(t, Q.revoke, { id: s.sessionGid }, s.token)));
    expect(results.filter((r) => r.__typename !== "Session" || r.active !== false)).toEqual([]);
    expect(await countEvents(t, "SESSION_REVOKED", since)).toBe(N);
    expect(await t.db.auditEvent.count({ where: { id: { gt: since } } })).toBe(N);
    const viewers = await Promise.all(signedIn.map((s) => viewer(t, s.token)));
    expect(viewers.filter((v) => v !== null)).toEqual([]);
  });

  test("concurrent revokes of ONE session: exactly one does it, the others are recorded as already revoked", async ({ t }) => {
    const owner = await t.signInAs({});
    const target = await signIn(t, owner.email, owner.password);
    const targetId = target.token?.split(".")[0] ?? "";
    const since = await lastAuditId(t);
    const results = await Promise.all(Array.from({ length: 20 }, () => mutate(t, Q.revoke, { id: target.session?.id }, owner.token)));
    expect(results.every((r: Result) => r.__typename === "Session")).toBe(true);
    const events = await t.db.auditEvent.findMany({ where: { type: "SESSION_REVOKED", sessionId: targetId, id: { gt: since } } });
    expect(events).toHaveLength(20);
    expect(events.filter((e) => (e.metadata as { alreadyRevoked?: boolean }).alreadyRevoked === false)).toHaveLength(1);
  });

  test("concurrent revokeAllSessions of one user: the revoked counts add up to the sessions there were", async ({ t }) => {
    const owner = await t.signInAs({});
    for (let i = 0; i < 10; i++) await signIn(t, owner.email, owner.password);
    const operators = await Promise.all(Array.from({ length: 5 }, () => t.signInAs({ permissions: ["sessions:revoke"] })));
    const results = await Promise.all(operators.map((op) => mutate(t, Q.revokeAll, { userId: owner.userGid, keepCurrent: true }, op.token)));
    const total = results.reduce((sum, r) => sum + (r.revokedCount ?? 0), 0);
    expect(total).toBe(11);
  });
});
