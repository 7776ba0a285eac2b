// The session mutations a client calls: refresh, sign-out, revoke one, revoke all, and reading sessions.
import { describe, expect } from "vitest";
import { test } from "../helpers/fixture.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";
import { HOUR, Q, auditTypes, lastAuditId, mutate, signIn, viewer } from "../helpers/session-ops.js";

/** A second session for the same user. */
async function another(t: TestInstance, u: SignedIn): Promise<{ token: string; sessionGid: string; sessionId: string }> {
  const r = await signIn(t, u.email, u.password);
  if (!r.token || !r.session) throw new Error(JSON.stringify(r));
  return { token: r.token, sessionGid: r.session.id, sessionId: r.token.split(".")[0] ?? "" };
}

describe("refreshSession", () => {
  test("extends the idle expiry (capped by the absolute lifetime) and records SESSION_REFRESHED", async ({ t, member: u }) => {
    const before = await t.db.session.findUniqueOrThrow({ where: { id: u.sessionId } });
    t.clock.advance(2 * HOUR);
    const since = await lastAuditId(t);
    const r = await mutate(t, Q.refresh, {}, u.token);
    expect(r.__typename).toBe("Session");
    expect(r.id).toBe(u.sessionGid);
    const after = await t.db.session.findUniqueOrThrow({ where: { id: u.sessionId } });
    expect(after.expiresAt.getTime() - before.expiresAt.getTime()).toBeGreaterThanOrEqual(2 * HOUR - 1000);
    expect(after.expiresAt.getTime()).toBeLessThanOrEqual(after.absoluteExpiresAt.getTime());
    expect(after.absoluteExpiresAt).toEqual(before.absoluteExpiresAt);
    expect(after.lastSeenAt.getTime()).toBeGreaterThan(before.lastSeenAt.getTime());
    expect(await auditTypes(t, since)).toEqual(["SESSION_REFRESHED"]);
    // The next request sees the refreshed row, not a stale cached copy.
    const v = await viewer(t, u.token);
    expect(new Date(v?.session.expiresAt ?? 0)).toEqual(after.expiresAt);
  });

  test("anonymous -> UnauthenticatedError, no event", async ({ t }) => {
    const since = await lastAuditId(t);
    expect(await mutate(t, Q.refresh)).toMatchObject({ __typename: "UnauthenticatedError", code: "UNAUTHENTICATED" });
    expect(await auditTypes(t, since)).toEqual([]);
  });
});

describe("signOut", () => {
  test("revokes the current session only, records SIGNED_OUT; the token is dead afterwards", async ({ t, member: u }) => {
    const other = await another(t, u);
    const since = await lastAuditId(t);
    expect(await mutate(t, Q.signOut, {}, u.token)).toEqual({ __typename: "SignOutSuccess", ok: true });
    expect(await auditTypes(t, since)).toEqual(["SIGNED_OUT"]);
    expect(await viewer(t, u.token)).toBeNull();
    expect(await viewer(t, other.token)).not.toBeNull();
    const row = await t.db.session.findUniqueOrThrow({ where: { id: u.sessionId } });
    expect(row.revokedAt).not.toBeNull();
    expect(row.revokedReason).toBe("signed_out");
    // Signing out again with the dead token is an unauthenticated call.
    expect((await mutate(t, Q.signOut, {}, u.token)).__typename).toBe("UnauthenticatedError");
  });

  test("anonymous -> UnauthenticatedError", async ({ t }) => {
    expect((await mutate(t, Q.signOut)).__typename).toBe("UnauthenticatedError");
  });
});

describe("revokeSession", () => {
  test("own other session: revoked, SESSION_REVOKED, the current one keeps working", async ({ t, member: u }) => {
    const other = await another(t, u);
    const since = await lastAuditId(t);
    const r = await mutate(t, Q.revoke, { id: other.sessionGid }, u.token);
    expect(r).toMatchObject({ __typename: "Session", id: other.sessionGid, active: false, current: false });
    expect(r.revokedAt).not.toBeNull();
    expect(await auditTypes(t, since)).toEqual(["SESSION_REVOKED"]);
    expect(await viewer(t, other.token)).toBeNull();
    expect(await viewer(t, u.token)).not.toBeNull();
  });

  test("own current session: works like a sign-out", async ({ t, member: u }) => {
    const r = await mutate(t, Q.revoke, { id: u.sessionGid }, u.token);
    expect(r).toMatchObject({ __typename: "Session", active: false });
    expect(await viewer(t, u.token)).toBeNull();
  });

  test("another user's session without sessions:revoke -> NotFoundError (as if it did not exist), nothing changes", async ({ t, member: owner }) => {
    const stranger = await t.signInAs({});
    const since = await lastAuditId(t);
    const r = await mutate(t, Q.revoke, { id: owner.sessionGid }, stranger.token);
    expect(r).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND" });
    expect(await auditTypes(t, since)).toEqual([]);
    expect(await viewer(t, owner.token)).not.toBeNull();
  });

  test("another user's session WITH sessions:revoke -> revoked", async ({ t, member: owner }) => {
    const operator = await t.signInAs({ permissions: ["sessions:revoke"] });
    const r = await mutate(t, Q.revoke, { id: owner.sessionGid }, operator.token);
    expect(r).toMatchObject({ __typename: "Session", active: false });
    expect(await viewer(t, owner.token)).toBeNull();
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { type: "SESSION_REVOKED", sessionId: owner.sessionId } });
    expect(event.actorUserId).toBe(operator.userId);
    expect(event.subjectUserId).toBe(owner.userId);
  });

  test("revoking an already revoked session is idempotent and says so in the audit", async ({ t, member: u }) => {
    const other = await another(t, u);
    await mutate(t, Q.revoke, { id: other.sessionGid }, u.token);
    const r = await mutate(t, Q.revoke, { id: other.sessionGid }, u.token);
    expect(r).toMatchObject({ __typename: "Session", active: false });
    const events = await t.db.auditEvent.findMany({ where: { type: "SESSION_REVOKED", sessionId: other.sessionId }, orderBy: { id: "asc" } });
    expect(events.map((e) => (e.metadata as { alreadyRevoked?: boolean } | null)?.alreadyRevoked)).toEqual([false, true]);
  });

  test("an operator's unknown id -> NotFoundError, with no audit event", async ({ t }) => {
    const operator = await t.signInAs({ permissions: ["sessions:revoke"] });
    const unknown = Buffer.from("Session:00000000-0000-4000-8000-000000000000").toString("base64url");
    const since = await lastAuditId(t);
    expect(await mutate(t, Q.revoke, { id: unknown }, operator.token)).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND" });
    expect(await auditTypes(t, since)).toEqual([]);
  });

  test("two callers revoking one session at once: both answered with the revoked session, exactly one revoked it", async ({ t, member: owner }) => {
    const operator = await t.signInAs({ permissions: ["sessions:revoke"] });
    const other = await another(t, owner);
    const [a, b] = await Promise.all([mutate(t, Q.revoke, { id: other.sessionGid }, owner.token), mutate(t, Q.revoke, { id: other.sessionGid }, operator.token)]);
    for (const r of [a, b]) {
      expect(r).toMatchObject({ __typename: "Session", id: other.sessionGid, active: false });
      expect(r.revokedAt).not.toBeNull();
    }
    const events = await t.db.auditEvent.findMany({ where: { type: "SESSION_REVOKED", sessionId: other.sessionId } });
    expect(events.map((e) => (e.metadata as { alreadyRevoked?: boolean } | null)?.alreadyRevoked).sort()).toEqual([false, true]);
    expect(await viewer(t, other.token)).toBeNull();
  });

  test("the revoked session's relations are answered too", async ({ t, member: u }) => {
    const other = await another(t, u);
    const doc = `mutation($id: ID!) { revokeSession(id: $id) { __typename ... on Session { id active user { id email } } } }`;
    const res = await t.gql<{ revokeSession: { __typename: string; active: boolean; user: { id: string; email: string } } }>(doc, { id: other.sessionGid }, { token: u.token });
    expect(res.errors).toBeUndefined();
    expect(res.data?.revokeSession).toMatchObject({ __typename: "Session", active: false, user: { id: u.userGid, email: u.email } });
  });

  test("unknown id -> NotFoundError; malformed id -> InvalidIdError; anonymous -> UnauthenticatedError", async ({ t, member: u }) => {
    const unknown = Buffer.from("Session:00000000-0000-4000-8000-000000000000").toString("base64url");
    expect(await mutate(t, Q.revoke, { id: unknown }, u.token)).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND" });
    expect(await mutate(t, Q.revoke, { id: "garbage" }, u.token)).toMatchObject({ __typename: "InvalidIdError", code: "INVALID_ID" });
    expect(await mutate(t, Q.revoke, { id: u.userGid }, u.token)).toMatchObject({ __typename: "InvalidIdError" });
    expect(await mutate(t, Q.revoke, { id: u.sessionGid })).toMatchObject({ __typename: "UnauthenticatedError" });
  });
});

describe("revokeAllSessions", () => {
  test("keepCurrent: true revokes every other session of the caller", async ({ t, member: u }) => {
    const o1 = await another(t, u);
    const o2 = await another(t, u);
    const since = await lastAuditId(t);
    expect(await mutate(t, Q.revokeAll, { userId: u.userGid, keepCurrent: true }, u.token)).toEqual({ __typename: "RevokeAllSessionsSuccess", revokedCount: 2 });
    expect(await auditTypes(t, since)).toEqual(["ALL_SESSIONS_REVOKED"]);
    expect(await viewer(t, u.token)).not.toBeNull();
    expect(await viewer(t, o1.token)).toBeNull();
    expect(await viewer(t, o2.token)).toBeNull();
  });

  test("keepCurrent defaults to true", async ({ t, member: u }) => {
    await another(t, u);
    const r = await mutate(t, `mutation($userId: ID!) { revokeAllSessions(userId: $userId) { __typename ... on RevokeAllSessionsSuccess { revokedCount } } }`, { userId: u.userGid }, u.token);
    expect(r).toEqual({ __typename: "RevokeAllSessionsSuccess", revokedCount: 1 });
    expect(await viewer(t, u.token)).not.toBeNull();
  });

  test("keepCurrent: false revokes the current session too", async ({ t, member: u }) => {
    const o1 = await another(t, u);
    expect(await mutate(t, Q.revokeAll, { userId: u.userGid, keepCurrent: false }, u.token)).toEqual({ __typename: "RevokeAllSessionsSuccess", revokedCount: 2 });
    expect(await viewer(t, u.token)).toBeNull();
    expect(await viewer(t, o1.token)).toBeNull();
  });

  test("another user's: ForbiddenError for a member, allowed with sessions:revoke (keepCurrent does not keep the target's)", async ({ t, member: target }) => {
    const member = await t.signInAs({});
    expect(await mutate(t, Q.revokeAll, { userId: target.userGid, keepCurrent: true }, member.token)).toMatchObject({ __typename: "ForbiddenError" });
    expect(await viewer(t, target.token)).not.toBeNull();
    const operator = await t.signInAs({ permissions: ["sessions:revoke"] });
    expect(await mutate(t, Q.revokeAll, { userId: target.userGid, keepCurrent: true }, operator.token)).toEqual({ __typename: "RevokeAllSessionsSuccess", revokedCount: 1 });
    expect(await viewer(t, target.token)).toBeNull();
    expect(await viewer(t, operator.token)).not.toBeNull();
  });

  test("unknown user -> NotFoundError (for an operator), malformed -> InvalidIdError, anonymous -> UnauthenticatedError", async ({ t }) => {
    const operator = await t.signInAs({ permissions: ["sessions:revoke"] });
    const unknown = Buffer.from("User:00000000-0000-4000-8000-000000000000").toString("base64url");
    expect(await mutate(t, Q.revokeAll, { userId: unknown }, operator.token)).toMatchObject({ __typename: "NotFoundError" });
    expect(await mutate(t, Q.revokeAll, { userId: "garbage" }, operator.token)).toMatchObject({ __typename: "InvalidIdError" });
    expect(await mutate(t, Q.revokeAll, { userId: operator.userGid })).toMatchObject({ __typename: "UnauthenticatedError" });
  });
});

describe("reading sessions", () => {
  test("session(id): own readable, another user's answers null like a missing one; User.sessions(activeOnly)", async ({ t, member: u }) => {
    const o1 = await another(t, u);
    await mutate(t, Q.revoke, { id: o1.sessionGid }, u.token);
    const own = await t.gql<{ session: { id: string; current: boolean } | null }>(`query($id: ID!) { session(id: $id) { id current } }`, { id: u.sessionGid }, { token: u.token });
    expect(own.errors).toBeUndefined();
    expect(own.data?.session).toEqual({ id: u.sessionGid, current: true });

    const stranger = await t.signInAs({});
    const theirs = await t.gql(`query($id: ID!) { session(id: $id) { id } }`, { id: u.sessionGid }, { token: stranger.token });
    expect(theirs).toEqual({ data: { session: null } });

    const list = await t.gql<{ viewer: { user: { all: { edges: { node: { id: string; active: boolean } }[] }; active: { edges: { node: { id: string } }[] } } } }>(
      `{ viewer { user { all: sessions(first: 10) { edges { node { id active } } } active: sessions(first: 10, activeOnly: true) { edges { node { id } } } } } }`,
      {},
      { token: u.token },
    );
    expect(list.errors).toBeUndefined();
    const all = list.data?.viewer.user.all.edges.map((e) => e.node) ?? [];
    expect(all.map((n) => n.id).sort()).toEqual([u.sessionGid, o1.sessionGid].sort());
    expect(all.find((n) => n.id === o1.sessionGid)?.active).toBe(false);
    expect(list.data?.viewer.user.active.edges.map((e) => e.node.id)).toEqual([u.sessionGid]);
  });
});
