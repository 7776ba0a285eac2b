// A Redis outage under open live streams: they end with LIVE_UNAVAILABLE (a code, not a hang), new
// streams are refused with it while Redis is away, and streams work again once it is back. On a
// redis-server of this file's own, stopped and started by PID.
import { describe, expect } from "vitest";
import { privateRedisTest } from "../helpers/fixture.js";
import { serve, subscribe } from "../helpers/sse.js";

const test = privateRedisTest({ CACHE_BREAKER_COOLDOWN_MS: "1000", LIVE_HEARTBEAT_MS: "300" }).extend("url", { scope: "file" }, async ({ t }, { onCleanup }) => {
  const served = await serve(t);
  onCleanup(() => served.close());
  return served.url;
});

const SESSION_EVENTS = `subscription { viewerSessionEvents { kind reason } }`;
const AUDIT_ADDED = `subscription { auditEventAdded { cursor } }`;
// Reconnects back off up to a second here: a bound for a loaded machine, not a spec.
const RECOVERY = { timeout: 15_000, interval: 50 };

describe("live streams and a Redis outage", () => {
  test("open streams end with LIVE_UNAVAILABLE, new ones are refused until Redis is back, then streams work again", async ({ t, url, redis, admin }) => {
    const member = await t.signInAs({});
    const auditor = await t.signInAs({ permissions: ["audit:read"] });
    const sessionStream = await subscribe(url, SESSION_EVENTS, {}, { token: member.token });
    const auditStream = await subscribe(url, AUDIT_ADDED, {}, { token: auditor.token });
    await expect.poll(() => t.app.live.streams.count()).toBe(2);

    await redis.stop();
    for (const stream of [sessionStream, auditStream]) {
      const rest = await stream.ended();
      expect(rest.at(-1)?.errors?.[0]?.extensions?.code).toBe("LIVE_UNAVAILABLE");
      expect(rest.at(-1)?.errors?.[0]?.message).not.toMatch(/redis|ECONNREFUSED|127\.0\.0\.1/i);
    }
    expect(t.app.live.streams.count()).toBe(0);
    const [refused] = await (await subscribe(url, SESSION_EVENTS, {}, { token: member.token })).ended();
    expect(refused?.errors?.[0]?.extensions?.code).toBe("LIVE_UNAVAILABLE");

    await redis.start();
    await expect.poll(() => t.app.live.hub.up(), RECOVERY).toBe(true);
    const again = await subscribe(url, SESSION_EVENTS, {}, { token: member.token });
    await expect.poll(() => t.app.live.streams.count()).toBe(1);
    await t.gql(`mutation($id: ID!) { revokeSession(id: $id) { __typename } }`, { id: member.sessionGid }, { token: admin.token });
    expect((await again.next()).data).toEqual({ viewerSessionEvents: { kind: "REVOKED", reason: "revoked" } });
  });

  test("a Redis that stops answering without closing the connection also ends streams with LIVE_UNAVAILABLE", async ({ t, url, raw }) => {
    await expect.poll(() => t.app.live.hub.up(), RECOVERY).toBe(true);
    const member = await t.signInAs({});
    const stream = await subscribe(url, SESSION_EVENTS, {}, { token: member.token });
    await expect.poll(() => t.app.live.streams.count()).toBe(1);
    // The server stalls for 3 s with every socket open: no 'close' ever reaches the subscriber.
    const stalled = raw.call("DEBUG", "SLEEP", "3");
    const rest = await stream.ended();
    expect(rest.at(-1)?.errors?.[0]?.extensions?.code).toBe("LIVE_UNAVAILABLE");
    await stalled;
    await expect.poll(() => t.app.live.hub.up(), RECOVERY).toBe(true);
  });

  test("closing the live feed (shutdown) completes open streams without an error", async ({ t, url }) => {
    await expect.poll(() => t.app.live.hub.up(), RECOVERY).toBe(true);
    const sibling = await t.sibling();
    const served = await serve(sibling);
    try {
      const member = await sibling.signInAs({});
      const stream = await subscribe(served.url, SESSION_EVENTS, {}, { token: member.token });
      await expect.poll(() => sibling.app.live.streams.count()).toBe(1);
      await sibling.app.live.close();
      expect(await stream.ended()).toEqual([]);
      // This instance's feed is unaffected.
      const other = await subscribe(url, SESSION_EVENTS, {}, { token: member.token });
      await expect.poll(() => t.app.live.streams.count()).toBe(1);
      other.close();
    } finally {
      await served.close();
    }
  });
});
