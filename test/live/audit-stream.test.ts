// auditEventAdded across two gateway instances on one PostgreSQL database and one Redis, over real
// HTTP (SSE): events committed on A stream to B in chain order with their cursors; a reconnect with a
// cursor gets every missed event exactly once; losing audit:read or the session ends the stream.
import { describe, expect } from "vitest";
import { instanceTest } from "../helpers/fixture.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";
import { serve, subscribe } from "../helpers/sse.js";
import type { Stream } from "../helpers/sse.js";
import { keys } from "../../src/cache/keys.js";
import { AUDIT_EVENTS } from "../helpers/audit.js";
import type { EventsPage } from "../helpers/audit.js";

const test = instanceTest({ env: { LIVE_HEARTBEAT_MS: "400" } })
  .extend("b", { scope: "file" }, async ({ t }) => t.sibling())
  .extend("urlA", { scope: "file" }, async ({ t }, { onCleanup }) => {
    const served = await serve(t);
    onCleanup(() => served.close());
    return served.url;
  })
  .extend("urlB", { scope: "file" }, async ({ b }, { onCleanup }) => {
    const served = await serve(b);
    onCleanup(() => served.close());
    return served.url;
  })
  .extend("auditor", async ({ t }) => t.signInAs({ permissions: ["audit:read"] }));

const ADDED = `subscription($filter: AuditEventsFilter, $after: String) {
  auditEventAdded(filter: $filter, after: $after) { cursor event { id type subject { id } } }
}`;

type Added = { auditEventAdded: { cursor: string; event: { id: string; type: string; subject: { id: string } | null } } };

async function listening(i: TestInstance, n = 1): Promise<void> {
  await expect.poll(() => i.app.live.streams.count("auditEventAdded")).toBeGreaterThanOrEqual(n);
}

/** The next `n` events of a stream, failing on any error result. */
async function take(stream: Stream<Added>, n: number): Promise<Added["auditEventAdded"][]> {
  const out: Added["auditEventAdded"][] = [];
  while (out.length < n) {
    const r = await stream.next();
    expect(r.errors).toBeUndefined();
    if (r.data) out.push(r.data.auditEventAdded);
  }
  return out;
}

/** One SESSION_REFRESHED event. */
async function refresh(t: TestInstance, who: SignedIn): Promise<void> {
  const res = await t.gql<{ refreshSession: { __typename: string } }>(`mutation { refreshSession { __typename } }`, {}, { token: who.token });
  expect(res.data?.refreshSession.__typename).toBe("Session");
}

async function page(t: TestInstance, token: string, filter: Record<string, unknown>, first: number): Promise<EventsPage["auditEvents"]["edges"]> {
  const res = await t.gql<EventsPage>(AUDIT_EVENTS, { first, filter }, { token });
  expect(res.errors).toBeUndefined();
  return res.data?.auditEvents.edges ?? [];
}

async function testRoleOf(t: TestInstance, who: SignedIn): Promise<string> {
  const grant = await t.db.userRole.findFirstOrThrow({ where: { userId: who.userId, role: { key: { startsWith: "test-" } } }, select: { role: { select: { key: true } } } });
  return grant.role.key;
}

describe("auditEventAdded", () => {
  test("events committed on A stream to B, filtered, in chain order, each with the cursor auditEvents uses", async ({ t: a, b, urlB, auditor }) => {
    const stream = await subscribe<Added>(urlB, ADDED, { filter: { types: ["SIGN_IN_SUCCEEDED"] } }, { token: auditor.token });
    await listening(b);
    const users = [await a.signInAs({}), await a.signInAs({}), await a.signInAs({})];
    await refresh(a, users[0] as SignedIn);
    const got = await take(stream, 3);
    expect(got.map((e) => e.event.subject?.id)).toEqual(users.map((u) => u.userGid));
    expect(got.every((e) => e.event.type === "SIGN_IN_SUCCEEDED")).toBe(true);
    // The same events and cursors as the trail's own connection (newest first there).
    const edges = await page(a, auditor.token, { types: ["SIGN_IN_SUCCEEDED"] }, 3);
    expect(got.map((e) => e.cursor)).toEqual(edges.map((e) => e.cursor).reverse());
    expect(got.map((e) => e.event.id)).toEqual(edges.map((e) => e.node.id).reverse());
    // The refresh was filtered out.
    await expect(stream.next(300)).rejects.toThrow(/no SSE event/);
    stream.close();
  });

  test("a reconnect with the last cursor gets every missed event exactly once, then live ones", async ({ t: a, b, urlA, urlB, auditor }) => {
    const filter = { types: ["SIGN_IN_SUCCEEDED", "SESSION_REFRESHED"] };
    const first = await subscribe<Added>(urlB, ADDED, { filter }, { token: auditor.token });
    await listening(b);
    const victim = await a.signInAs({});
    const [seen] = await take(first, 1);
    first.close();
    await expect.poll(() => b.app.live.streams.count()).toBe(0);
    // Missed while disconnected.
    for (let i = 0; i < 3; i++) await refresh(a, victim);
    // Committed while the new stream replays (on the other instance) and afterwards.
    const during = Promise.all([a.signInAs({}), b.signInAs({}), refresh(b, victim)]);
    const resumed = await subscribe<Added>(urlA, ADDED, { filter, after: seen?.cursor }, { token: auditor.token });
    await during;
    await listening(a);
    await a.signInAs({});
    const expected = await a.db.auditEvent.findMany({
      where: { id: { gt: BigInt(Buffer.from(seen?.cursor ?? "", "base64url").toString().slice(3)) }, type: { in: ["SIGN_IN_SUCCEEDED", "SESSION_REFRESHED"] } },
      orderBy: { id: "asc" },
      select: { id: true },
    });
    expect(expected.length).toBeGreaterThanOrEqual(7);
    const got = await take(resumed, expected.length);
    const edges = await page(a, auditor.token, filter, expected.length);
    expect(got.map((e) => e.event.id)).toEqual(edges.map((e) => e.node.id).reverse());
    await expect(resumed.next(400)).rejects.toThrow(/no SSE event/);
    resumed.close();
  });

  test("without a cursor a stream starts at the head: events committed while nobody listened are not sent", async ({ t: a, b, urlB, auditor }) => {
    const filter = { types: ["SIGN_IN_SUCCEEDED"] };
    const first = await subscribe<Added>(urlB, ADDED, { filter }, { token: auditor.token });
    await listening(b);
    first.close();
    await expect.poll(() => b.app.live.streams.count()).toBe(0);
    await a.signInAs({});
    await b.signInAs({});
    const fresh = await subscribe<Added>(urlB, ADDED, { filter }, { token: auditor.token });
    await listening(b);
    const next = await a.signInAs({});
    const [only] = await take(fresh, 1);
    expect(only?.event.subject?.id).toBe(next.userGid);
    await expect(fresh.next(300)).rejects.toThrow(/no SSE event/);
    fresh.close();
  });

  test("losing audit:read on A ends the stream on B with FORBIDDEN", async ({ t: a, b, urlB, admin, auditor }) => {
    const stream = await subscribe<Added>(urlB, ADDED, {}, { token: auditor.token });
    await listening(b);
    const res = await a.gql(`mutation($u: ID!, $r: String!) { revokeRole(userId: $u, roleKey: $r) { __typename } }`, { u: auditor.userGid, r: await testRoleOf(a, auditor) }, { token: admin.token });
    expect(res.errors).toBeUndefined();
    const rest = await stream.ended();
    expect(rest.at(-1)?.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(rest.slice(0, -1).every((r) => r.errors === undefined)).toBe(true);
    await expect.poll(() => b.app.live.streams.count()).toBe(0);
  });

  test("the subscriber's session revoked on A ends the stream on B with UNAUTHENTICATED", async ({ t: a, b, urlB, admin, auditor }) => {
    const stream = await subscribe<Added>(urlB, ADDED, {}, { token: auditor.token });
    await listening(b);
    await a.gql(`mutation($id: ID!) { revokeSession(id: $id) { __typename } }`, { id: auditor.sessionGid }, { token: admin.token });
    const rest = await stream.ended();
    expect(rest.at(-1)?.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  test("a lost permission with no further events still ends the stream, at the heartbeat", async ({ t: a, b, urlB, auditor }) => {
    const stream = await subscribe<Added>(urlB, ADDED, { filter: { types: ["SESSION_REFRESHED"] } }, { token: auditor.token });
    await listening(b);
    // Directly in the database, with the permission epoch bumped as any role change does.
    await a.db.userRole.deleteMany({ where: { userId: auditor.userId, role: { key: { startsWith: "test-" } } } });
    await a.app.cache.incr(keys.permsEpoch());
    const rest = await stream.ended();
    expect(rest.at(-1)?.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  test("refusals: without audit:read FORBIDDEN, a malformed cursor INVALID_CURSOR, nothing left open", async ({ t: a, urlA, auditor }) => {
    const member = await a.signInAs({});
    const [forbidden] = await (await subscribe<Added>(urlA, ADDED, {}, { token: member.token })).ended();
    expect(forbidden?.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const [badCursor] = await (await subscribe<Added>(urlA, ADDED, { after: "bm90LWEtY3Vyc29y" }, { token: auditor.token })).ended();
    expect(badCursor?.errors?.[0]?.extensions?.code).toBe("INVALID_CURSOR");
    expect(a.app.live.streams.count()).toBe(0);
  });
});
