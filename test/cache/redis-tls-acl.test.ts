// Redis over TLS with an ACL user (rediss://user:password@host, REDIS_TLS_CA_FILE for a private CA),
// on a private TLS-only redis-server whose `app` user may touch only `auth:` keys: every cache path
// works under that ACL, and a wrong password, an unknown CA or a plaintext client degrade to Postgres
// (requests still answered) without the password in any message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { openRedisClient, redisTarget } from "../../src/cache/redis-client.js";
import { HEALTH, VIEWER } from "../helpers/cache-app.js";
import { expectEveryCachePathWorks } from "../helpers/cache-paths.js";
import { createTestInstance } from "../helpers/instance.js";
import type { Env, GraphQLResponse, TestInstance } from "../helpers/instance.js";
import { ACL_PASSWORD, startTlsRedis } from "../helpers/redis-tls.js";
import type { TlsRedisServer } from "../helpers/redis-tls.js";

type Health = GraphQLResponse<{ health: { status: string; redis: { status: string; message: string | null } } }>;
type Viewer = GraphQLResponse<{ viewer: { session: { id: string } } | null }>;

let server: TlsRedisServer;
const instances: TestInstance[] = [];
beforeAll(async () => {
  server = await startTlsRedis();
});
afterAll(async () => {
  // The server goes even when closing an instance fails.
  await Promise.allSettled(instances.map((i) => i.close()));
  await server?.dispose();
});

async function instance(env: Env): Promise<TestInstance> {
  const t = await createTestInstance({ env: { CACHE_BREAKER_FAILURES: "2", ...env } });
  instances.push(t);
  return t;
}

describe("Redis over TLS with an ACL user", () => {
  it("caches sessions, users and permissions, revokes and rate-limits, all under the auth: ACL", async () => {
    const t = await instance({ REDIS_URL: server.url, REDIS_TLS_CA_FILE: server.caFile });
    await expectEveryCachePathWorks(t);
  });

  const refused: [string, (s: TlsRedisServer) => Env][] = [
    ["a wrong password", (s) => ({ REDIS_URL: s.url.replace(ACL_PASSWORD, "not-the-password"), REDIS_TLS_CA_FILE: s.caFile })],
    ["a CA that did not sign the server certificate", (s) => ({ REDIS_URL: s.url })],
    ["a plaintext client", (s) => ({ REDIS_URL: s.url.replace("rediss:", "redis:") })],
  ];
  it.each(refused)("%s: the cache is DEGRADED, requests are still answered, no password in the message", async (_name, envFor) => {
    const t = await instance({ ...envFor(server), CACHE_TIMEOUT_MS: "200" });
    const member = await t.signInAs({});
    expect(((await t.gql(VIEWER, {}, { token: member.token })) as Viewer).data?.viewer?.session.id).toBeDefined();
    await expect.poll(async () => ((await t.gql(HEALTH)) as Health).data?.health.redis.status).toBe("DEGRADED");
    const health = ((await t.gql(HEALTH)) as Health).data?.health;
    expect(health?.status).toBe("DEGRADED");
    expect(JSON.stringify(health)).not.toContain(ACL_PASSWORD);
    expect(JSON.stringify(health)).not.toContain("not-the-password");
  });

  it("a connection that reports two errors (an alert, then the reset) costs a reconnect, not the process", async () => {
    const target = redisTarget({ REDIS_URL: server.url, REDIS_TLS_CA_FILE: server.caFile });
    const client = target && openRedisClient(target, { retryStrategy: () => 10 });
    if (!(client instanceof Redis)) throw new Error("expected a single-server client");
    client.on("error", () => undefined);
    try {
      expect(await client.ping()).toBe("PONG");
      const stream = client.stream;
      // Without a lasting listener the second emit throws (an unhandled "error" event).
      expect(() => {
        stream.emit("error", new Error("tlsv1 alert decode error"));
        stream.emit("error", new Error("read ECONNRESET"));
      }).not.toThrow();
      stream.destroy();
      await expect.poll(() => client.ping().catch(() => null)).toBe("PONG");
      expect(client.stream).not.toBe(stream);
    } finally {
      client.disconnect();
    }
  });
});
