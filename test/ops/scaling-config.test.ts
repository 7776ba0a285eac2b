// Configuration of the scale-out engines: which Redis (one server, Cluster, Sentinel) with TLS and
// ACL, and read replicas. One engine at a time; bad lists fail with one line naming the variable,
// without echoing URLs that may hold passwords.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { redisTarget } from "../../src/cache/redis-client.js";

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("Redis engine configuration", () => {
  it("names the engine: one server, Cluster seeds (IPv6 too), or Sentinels and the master name", () => {
    expect(redisTarget(loadConfig({}))).toBeNull();
    expect(redisTarget(loadConfig({ REDIS_URL: "rediss://app:pw@cache:6380" }))).toMatchObject({ kind: "single", url: "rediss://app:pw@cache:6380" });
    expect(redisTarget(loadConfig({ REDIS_CLUSTER_NODES: "10.0.0.1:7000, [::1]:7001", REDIS_TLS: "true", REDIS_PASSWORD: "pw" }))).toEqual({
      kind: "cluster",
      nodes: [{ host: "10.0.0.1", port: 7000 }, { host: "::1", port: 7001 }],
      tls: true,
      password: "pw",
      username: undefined,
      caFile: undefined,
    });
    expect(redisTarget(loadConfig({ REDIS_SENTINELS: "s1:26379,s2:26379", REDIS_SENTINEL_NAME: "cache" }))).toMatchObject({
      kind: "sentinel",
      sentinels: [{ host: "s1", port: 26379 }, { host: "s2", port: 26379 }],
      name: "cache",
    });
  });

  it("refuses two engines at once and malformed host lists", () => {
    expect(errorOf({ REDIS_URL: "redis://a:6379", REDIS_CLUSTER_NODES: "b:7000" })).toMatch(/^invalid REDIS_URL: set only one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS/);
    expect(errorOf({ REDIS_CLUSTER_NODES: "b:7000,nohost" })).toMatch(/^invalid REDIS_CLUSTER_NODES: expected host:port,host:port \(got "nohost"\)/);
    expect(errorOf({ REDIS_SENTINELS: "s1:99999" })).toMatch(/^invalid REDIS_SENTINELS: expected host:port/);
  });
});

describe("read replica configuration", () => {
  it("takes a comma-separated list of postgres URLs, and never echoes one in an error", () => {
    expect(loadConfig({ DATABASE_REPLICA_URLS: "postgresql://u:p@r1/db, postgres://u:p@r2/db" }).DATABASE_REPLICA_URLS).toEqual(["postgresql://u:p@r1/db", "postgres://u:p@r2/db"]);
    const message = errorOf({ DATABASE_REPLICA_URLS: "postgresql://u:secret@r1/db,mysql://u:secret@r2/db" });
    expect(message).toMatch(/^invalid DATABASE_REPLICA_URLS: expected comma-separated postgres URLs$/);
    expect(message).not.toContain("secret");
  });
});
