// viewerSessionEvents across two gateway instances on one PostgreSQL database and one Redis, over
// real HTTP (SSE): what happens to a session on instance A reaches the session's stream on instance B.
import { describe, expect } from "vitest";
import { metricsOf } from "../../src/observability/metrics.js";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { serve, subscribe } from "../helpers/sse.js";

const base = instanceTest({ env: { LIVE_HEARTBEAT_MS: "300", LIVE_MAX_STREAMS_PER_USER: "2" } });
/** `t` is instance A, `b` a sibling on the same database and Redis namespace; both listen on a port. */
const test = base
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
  });

const EVENTS = `subscription { viewerSessionEvents { kind sessionId reason expiresAt occurredAt } }`;

type Event = { viewerSessionEvents: { kind: string; sessionId: string; reason: string | null; expiresAt: string | null; occurredAt: string } };

/** Until the instance's stream is listening (its Redis subscription confirmed). */
async function listening(i: TestInstance, n = 1): Promise<void> {
  await expect.poll(() => i.app.live.streams.count("viewerSessionEvents")).toBeGreaterThanOrEqual(n);
}

describe("viewerSessionEvents", () => {
  test("a revoke on instance A reaches the session's stream on instance B, which then ends", async ({ t: a, b, admin, urlB }) => {
    const member = await a.signInAs({});
    const stream = await subscribe<Event>(urlB, EVENTS, {}, { token: member.token });
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    await listening(b);
    const res = await a.gql(`mutation($id: ID!) { revokeSession(id: $id) { __typename } }`, { id: member.sessionGid }, { token: admin.token });
    expect(res.errors).toBeUndefined();
    const event = await stream.next();
    expect(event.errors).toBeUndefined();
    expect(event.data?.viewerSessionEvents).toMatchObject({ kind: "REVOKED", sessionId: member.sessionGid, reason: "revoked" });
    expect(await stream.ended()).toEqual([]);
    await expect.poll(() => b.app.live.streams.count("viewerSessionEvents")).toBe(0);
  });

  test("signing out on A, and revoking all sessions, reach streams on B", async ({ t: a, b, urlB }) => {
    const member = await a.signInAs({});
    const other = await a.signInAs({ email: member.email, password: member.password });
    const own = await subscribe<Event>(urlB, EVENTS, {}, { token: member.token });
    const second = await subscribe<Event>(urlB, EVENTS, {}, { token: other.token });
    await listening(b, 2);
    await a.gql(`mutation { signOut { __typename } }`, {}, { token: member.token });
    expect((await own.next()).data?.viewerSessionEvents).toMatchObject({ kind: "REVOKED", reason: "signed_out" });
    await own.ended();
    // The other session's stream is unaffected by that sign-out...
    await expect(second.next(300)).rejects.toThrow(/no SSE event/);
    await a.gql(`mutation($u: ID!) { revokeAllSessions(userId: $u, keepCurrent: false) { __typename } }`, { u: member.userGid }, { token: other.token });
    expect((await second.next()).data?.viewerSessionEvents).toMatchObject({ kind: "REVOKED", reason: "revoked_all", sessionId: other.sessionGid });
    await second.ended();
  });

  test("a new sign-in on the account and a refresh of the session are reported", async ({ t: a, b, urlB }) => {
    const member = await a.signInAs({});
    const stream = await subscribe<Event>(urlB, EVENTS, {}, { token: member.token });
    await listening(b);
    const again = await a.signInAs({ email: member.email, password: member.password });
    expect((await stream.next()).data?.viewerSessionEvents).toMatchObject({ kind: "NEW_SIGN_IN", sessionId: again.sessionGid });
    const refreshed = await a.gql<{ refreshSession: { expiresAt: string } }>(`mutation { refreshSession { ... on Session { expiresAt } } }`, {}, { token: member.token });
    const event = (await stream.next()).data?.viewerSessionEvents;
    expect(event).toMatchObject({ kind: "REFRESHED", sessionId: member.sessionGid, expiresAt: refreshed.data?.refreshSession.expiresAt });
    stream.close();
  });

  test("a session that expires while its stream is open gets EXPIRED from the heartbeat", async ({ b, urlB }) => {
    const member = await b.signInAs({});
    const stream = await subscribe<Event>(urlB, EVENTS, {}, { token: member.token });
    await listening(b);
    b.clock.advance(31 * 86400 * 1000);
    try {
      expect((await stream.next()).data?.viewerSessionEvents).toMatchObject({ kind: "EXPIRED", sessionId: member.sessionGid });
      expect(await stream.ended()).toEqual([]);
    } finally {
      b.clock.advance(-31 * 86400 * 1000);
    }
  });

  test("the heartbeat checks the session without extending it: an open stream does not keep an idle session alive", async ({ b, urlB }) => {
    const member = await b.signInAs({});
    const before = await b.db.session.findUniqueOrThrow({ where: { id: member.sessionId }, select: { lastSeenAt: true, expiresAt: true } });
    const stream = await subscribe<Event>(urlB, EVENTS, {}, { token: member.token });
    await listening(b);
    // Past the refresh interval: a request now would extend the session.
    b.clock.advance(2 * 3600 * 1000);
    try {
      await expect(stream.next(1000)).rejects.toThrow(/no SSE event/);
      expect(await b.db.session.findUniqueOrThrow({ where: { id: member.sessionId }, select: { lastSeenAt: true, expiresAt: true } })).toEqual(before);
    } finally {
      b.clock.advance(-2 * 3600 * 1000);
      stream.close();
    }
  });

  test("events delivered are counted per field in the instance's metrics", async ({ t: a, b, admin, urlB }) => {
    const delivered = async (): Promise<number> => {
      const metric = await metricsOf(b.app).registry.getSingleMetric("authgraph_live_events_delivered_total")?.get();
      return metric?.values.find((v) => v.labels.field === "viewerSessionEvents")?.value ?? 0;
    };
    const before = await delivered();
    const member = await a.signInAs({});
    const stream = await subscribe<Event>(urlB, EVENTS, {}, { token: member.token });
    await listening(b);
    await a.gql(`mutation($id: ID!) { revokeSession(id: $id) { __typename } }`, { id: member.sessionGid }, { token: admin.token });
    await stream.ended();
    expect(await delivered()).toBe(before + 1);
    const open = await metricsOf(b.app).registry.getSingleMetric("authgraph_live_streams")?.get();
    expect(open?.values.find((v) => v.labels.field === "viewerSessionEvents")?.value).toBe(0);
  });

  test("anonymous, a malformed token, and a revoked token are refused with UNAUTHENTICATED", async ({ t: a, admin, urlA }) => {
    const member = await a.signInAs({});
    await a.gql(`mutation($id: ID!) { revokeSession(id: $id) { __typename } }`, { id: member.sessionGid }, { token: admin.token });
    for (const token of [undefined, "not-a-token", member.token]) {
      const stream = await subscribe<Event>(urlA, EVENTS, {}, token ? { token } : {});
      const [result] = await stream.ended();
      expect(result?.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect(result?.data ?? null).toBeNull();
    }
    expect(a.app.live.streams.count()).toBe(0);
  });

  test("streams over the per-user limit are refused with TOO_MANY_STREAMS, and a closed one frees its slot", async ({ t: a, urlA }) => {
    const member = await a.signInAs({});
    const first = await subscribe<Event>(urlA, EVENTS, {}, { token: member.token });
    const second = await subscribe<Event>(urlA, EVENTS, {}, { token: member.token });
    await listening(a, 2);
    const third = await subscribe<Event>(urlA, EVENTS, {}, { token: member.token });
    const [refusal] = await third.ended();
    expect(refusal?.errors?.[0]?.extensions?.code).toBe("TOO_MANY_STREAMS");
    first.close();
    await expect.poll(() => a.app.live.streams.count("viewerSessionEvents")).toBe(1);
    const fourth = await subscribe<Event>(urlA, EVENTS, {}, { token: member.token });
    await listening(a, 2);
    second.close();
    fourth.close();
    await expect.poll(() => a.app.live.streams.count()).toBe(0);
  });

  test("a subscription asked for as JSON is refused with OPERATION_NOT_SUPPORTED and leaves no stream open", async ({ t: a }) => {
    const member = await a.signInAs({});
    const res = await a.yoga.fetch("http://authgraph.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${member.token}` },
      body: JSON.stringify({ query: EVENTS }),
    });
    const body = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(["OPERATION_NOT_SUPPORTED"]);
    expect(body.errors?.[0]?.message).toMatch(/text\/event-stream/);
    await expect.poll(() => a.app.live.streams.count()).toBe(0);
  });

  test("a GET subscription needs the CSRF header like any other GET", async ({ t: a, urlA }) => {
    const member = await a.signInAs({});
    const refused = await subscribe<Event>(urlA, EVENTS, {}, { token: member.token, method: "GET" });
    const [result] = await refused.ended();
    expect(result?.errors?.[0]?.extensions?.code).toBe("CSRF_REJECTED");
    const allowed = await subscribe<Event>(urlA, EVENTS, {}, { token: member.token, method: "GET", headers: { "x-graphql-csrf": "1" } });
    expect(allowed.contentType).toMatch(/^text\/event-stream/);
    await listening(a);
    allowed.close();
    await expect.poll(() => a.app.live.streams.count()).toBe(0);
  });
});
