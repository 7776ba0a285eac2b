// Every writer's events carry the right actor, subject, session, IP and user agent; the IP comes from
// X-Forwarded-For only behind a trusted proxy; a rolled-back change leaves no event.
import { describe, expect } from "vitest";
import { instanceTest } from "../helpers/fixture.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";
import { AUDIT_EVENTS, EVENT_FIELDS, integrity, maxEventId } from "../helpers/audit.js";
import type { EventNode, EventsPage } from "../helpers/audit.js";
import { record } from "../../src/modules/audit/append.js";
import { encodeId } from "../../src/graphql/global-id.js";

const UA = "AuditTest/1.0 (writers)";
const IP = "203.0.113.7";
// The client's own (spoofable) entry first, then what the trusted proxy appended: the latter counts.
const headers = { "user-agent": UA, "x-forwarded-for": `10.66.0.1, ${IP}` };

const test = instanceTest({ env: { TRUST_PROXY: "true" } });

/** The newest events about `userGid` as actor or subject, as an auditor sees them. */
async function eventsOf(t: TestInstance, admin: SignedIn, userGid: string): Promise<EventNode[]> {
  const res = await t.gql<EventsPage>(AUDIT_EVENTS, { first: 50, filter: { subjectId: userGid } }, { token: admin.token });
  expect(res.errors).toBeUndefined();
  return res.data?.auditEvents.edges.map((e) => e.node) ?? [];
}

const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { __typename ... on SignInSuccess { token session { id } user { id } } } }`;

async function signIn(t: TestInstance, email: string, password: string): Promise<{ token: string; sessionGid: string }> {
  const res = await t.gql<{ signIn: { token: string; session: { id: string } } }>(SIGN_IN, { input: { email, password } }, { headers });
  const r = res.data?.signIn;
  if (!r?.token) throw new Error(JSON.stringify(res));
  return { token: r.token, sessionGid: r.session.id };
}

describe("audit writers", () => {
  test("records the session lifecycle with actor, subject, session, IP and user agent", async ({ t, admin }) => {
    const user = await t.signInAs({ password: "first-password-123" });
    const a = await signIn(t, user.email, user.password);
    const b = await signIn(t, user.email, user.password);

    const failed = await t.gql<{ signIn: { __typename: string } }>(SIGN_IN, { input: { email: user.email, password: "wrong-password-1" } }, { headers });
    expect(failed.data?.signIn.__typename).toBe("InvalidCredentialsError");

    const refreshed = await t.gql(`mutation { refreshSession { __typename } }`, {}, { token: a.token, headers });
    expect(refreshed.errors).toBeUndefined();
    const revoked = await t.gql(`mutation($id: ID!) { revokeSession(id: $id) { __typename } }`, { id: b.sessionGid }, { token: a.token, headers });
    expect(revoked.errors).toBeUndefined();
    const c = await signIn(t, user.email, user.password);
    const changed = await t.gql<{ changePassword: { __typename: string; revokedSessionCount?: number } }>(
      `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { __typename ... on ChangePasswordSuccess { revokedSessionCount } } }`,
      { input: { currentPassword: user.password, newPassword: "second-password-456" } },
      { token: a.token, headers },
    );
    expect(changed.data?.changePassword.__typename).toBe("ChangePasswordSuccess");
    const out = await t.gql(`mutation { signOut { __typename } }`, {}, { token: a.token, headers });
    expect(out.errors).toBeUndefined();

    const events = await eventsOf(t, admin, user.userGid);
    const byType = (type: string) => events.filter((e) => e.type === type);
    const me = { id: user.userGid };
    // Newest first: the last sign-in of the test is the first SIGN_IN_SUCCEEDED in the list.
    expect(byType("SIGN_IN_SUCCEEDED").map((e) => e.session?.id)).toEqual([c.sessionGid, b.sessionGid, a.sessionGid, user.sessionGid]);
    for (const e of byType("SIGN_IN_SUCCEEDED").slice(0, 3)) expect(e).toMatchObject({ actor: me, subject: me, ip: IP, userAgent: UA });
    expect(byType("SIGN_IN_FAILED")[0]).toMatchObject({ actor: null, subject: me, session: null, ip: IP, userAgent: UA, metadata: { reason: "invalid_credentials" } });
    expect(byType("SESSION_REFRESHED")[0]).toMatchObject({ actor: me, subject: me, session: { id: a.sessionGid }, ip: IP, userAgent: UA });
    expect(byType("SESSION_REVOKED")[0]).toMatchObject({ actor: me, subject: me, session: { id: b.sessionGid }, ip: IP, userAgent: UA });
    expect(byType("PASSWORD_CHANGED")[0]).toMatchObject({ actor: me, subject: me, session: { id: a.sessionGid }, ip: IP, userAgent: UA });
    expect(byType("PASSWORD_CHANGED")[0]?.metadata).toEqual({ revokedSessions: changed.data?.changePassword.revokedSessionCount });
    expect(byType("SIGNED_OUT")[0]).toMatchObject({ actor: me, subject: me, session: { id: a.sessionGid }, ip: IP, userAgent: UA });
    expect(events[0]?.type).toBe("SIGNED_OUT");
  });

  test("shows a member their own events through User.auditEvents, and not the whole trail", async ({ t, admin }) => {
    const user = await t.signInAs({});
    const res = await t.gql<{ viewer: { user: { auditEvents: { edges: { node: EventNode }[] } } } }>(
      `{ viewer { user { auditEvents(first: 10) { edges { node { ${EVENT_FIELDS} } } } } } }`,
      {},
      { token: user.token },
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data?.viewer.user.auditEvents.edges.map((e) => e.node) ?? [];
    expect(nodes.map((n) => n.type)).toEqual(["SIGN_IN_SUCCEEDED"]);
    expect(nodes[0]).toMatchObject({ actor: { id: user.userGid }, session: { id: user.sessionGid } });

    const all = await t.gql(AUDIT_EVENTS, { first: 5 }, { token: user.token });
    expect(all.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const integrityRes = await t.gql(`{ auditIntegrity { ok } }`, {}, { token: user.token });
    expect(integrityRes.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    // Another user's event list is not theirs to read.
    const other = await t.gql(`query($id: ID!) { user(id: $id) { ... on User { auditEvents(first: 5) { edges { node { id } } } } } }`, { id: admin.userGid }, { token: user.token });
    expect(other.data?.user ?? null).toBeNull();
  });

  test("ignores X-Forwarded-For unless TRUST_PROXY is on", async ({ t, admin }) => {
    const direct = await t.sibling({ TRUST_PROXY: "false" });
    const user = await t.signInAs({});
    const res = await direct.gql<{ signIn: { token: string } }>(SIGN_IN, { input: { email: user.email, password: user.password } }, { headers });
    expect(res.data?.signIn.token).toBeTruthy();
    const [latest] = await eventsOf(t, admin, user.userGid);
    expect(latest).toMatchObject({ type: "SIGN_IN_SUCCEEDED", ip: null, userAgent: UA });
  });

  test("leaves no event behind when the change rolls back", async ({ t, admin }) => {
    const before = await maxEventId(t);
    const boom = new Error("the change failed after recording");
    await expect(
      t.db.$transaction(async (tx) => {
        await record(tx, { type: "USER_UPDATED", actorUserId: admin.userId, subjectUserId: admin.userId, metadata: { field: "name" } }, { ip: IP, userAgent: UA }, t.app.audit.options, t.clock.now());
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await maxEventId(t)).toBe(before);

    // A failed change through the API records nothing of the change, only the refusal.
    const user = await t.signInAs({});
    const wrong = await t.gql<{ changePassword: { __typename: string } }>(
      `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { __typename } }`,
      { input: { currentPassword: "not-the-password", newPassword: "another-password-789" } },
      { token: user.token, headers },
    );
    expect(wrong.data?.changePassword.__typename).toBe("InvalidCredentialsError");
    expect((await eventsOf(t, admin, user.userGid)).map((e) => e.type)).toEqual(["PASSWORD_CHANGE_FAILED", "SIGN_IN_SUCCEEDED"]);

    // The sequence skipped an id, but the chain links straight over the rolled-back event.
    const report = await integrity(t, admin.token);
    expect(report).toMatchObject({ ok: true, firstBrokenEventId: null });
  });

  test("rejects oversized metadata before touching the chain", async ({ t }) => {
    const before = await maxEventId(t);
    const huge = { blob: "x".repeat(t.app.config.AUDIT_METADATA_MAX_BYTES) };
    await expect(t.db.$transaction((tx) => record(tx, { type: "USER_UPDATED", metadata: huge }, null, t.app.audit.options))).rejects.toThrow(/exceeds/);
    expect(await maxEventId(t)).toBe(before);
  });

  test("resolves an event as a node", async ({ t, admin }) => {
    const [latest] = await eventsOf(t, admin, admin.userGid);
    expect(latest).toBeDefined();
    const res = await t.gql<{ node: { id: string; type: string } }>(`query($id: ID!) { node(id: $id) { id ... on AuditEvent { type } } }`, { id: latest?.id }, { token: admin.token });
    expect(res.data?.node).toEqual({ id: latest?.id, type: latest?.type });
    const bad = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: encodeId("AuditEvent", "9999999999999999999") }, { token: admin.token });
    expect(bad.errors?.[0]?.extensions?.code).toBe("INVALID_ID");
  });
});
