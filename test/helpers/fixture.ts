// The test API of every file that talks to a gateway instance. `t` is one instance per file (its own
// cloned database, closed when the file ends); `admin` is the seeded admin signed in once per file;
// `member` is a fresh member signed in for each test that asks for it.
//
//   import { test } from "../helpers/fixture.js";                  // default instance
//   const test = instanceTest({ env: { SIGNUP_ENABLED: "false" } }); // configured instance
//   const test = privateRedisTest({ CACHE_TIMEOUT_MS: "50" });      // on a redis-server of its own
//   const test = mailTest({ REQUIRE_VERIFIED_EMAIL: "true" });       // account mail to an SMTP server of its own
//
// Fixtures are set up only for the tests that name them, so a file mixing unit tests and instance
// tests pays for the instance only when it is used.
import { Cluster, Redis } from "ioredis";
import { inject, test as base } from "vitest";
import { keyPrefix } from "./cache-app.js";
import { createTestInstance } from "./instance.js";
import type { Env, InstanceOptions } from "./instance.js";
import { startRedisServer } from "./redis-server.js";
import type { RedisServer } from "./redis-server.js";
import { startSmtpServer } from "./smtp.js";

export function instanceTest(options: InstanceOptions = {}) {
  return base
    .extend("t", { scope: "file" }, async ({}, { onCleanup }) => {
      const t = await createTestInstance(options);
      onCleanup(() => t.close());
      return t;
    })
    .extend("admin", { scope: "file" }, async ({ t }) => t.signInAs("admin"))
    .extend("member", async ({ t }) => t.signInAs({}));
}

/** The default instance: real PostgreSQL (a cloned database) and the shared Redis (a private namespace). */
export const test = instanceTest();

/**
 * An instance on a redis-server of its own (test/helpers/redis-server.ts), for tests that kill,
 * pause, flush or MONITOR Redis. `raw` is a plain connection to that server (no key prefix);
 * `prefix` is the instance's key prefix on it, e.g. `auth:t1a2b3c4d:`.
 */
export function privateRedisTest(env: Env = {}) {
  return (inject("redisClusterNodes") ? onRunCluster(env) : onPrivateServer(env))
    .extend("prefix", { scope: "file" }, async ({ t }) => keyPrefix(t))
    .extend("admin", { scope: "file" }, async ({ t }) => t.signInAs("admin"))
    .extend("member", async ({ t }) => t.signInAs({}));
}

function onPrivateServer(env: Env) {
  return base
    .extend("redis", { scope: "file" }, async ({}, { onCleanup }) => {
      const server = await startRedisServer();
      onCleanup(() => server.dispose());
      return server;
    })
    .extend("raw", { scope: "file" }, async ({ redis }, { onCleanup }): Promise<Redis | Cluster> => {
      const raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      // Fault tests kill the server under this connection too; its errors are expected.
      raw.on("error", () => undefined);
      onCleanup(() => raw.disconnect());
      return raw;
    })
    .extend("t", { scope: "file" }, async ({ redis }, { onCleanup }) => {
      const t = await createTestInstance({ env: { REDIS_URL: redis.url, ...env } });
      onCleanup(() => t.close());
      return t;
    });
}

/**
 * The same fixtures in the redis-cluster project, on the run's Cluster: `raw` is a Cluster client
 * (no key prefix), and there is no single process to kill (`redis` fails the test that asks for it).
 */
function onRunCluster(env: Env) {
  return base
    .extend("redis", { scope: "file" }, async (): Promise<RedisServer> => {
      throw new Error("privateRedisTest: no private redis-server in the redis-cluster project");
    })
    .extend("raw", { scope: "file" }, async ({}, { onCleanup }): Promise<Redis | Cluster> => {
      const seeds = inject("redisClusterNodes").split(",").map((seed) => ({ host: seed.split(":")[0], port: Number(seed.split(":")[1]) }));
      const raw = new Cluster(seeds, { redisOptions: { maxRetriesPerRequest: 1 } });
      raw.on("error", () => undefined);
      onCleanup(() => raw.disconnect());
      return raw;
    })
    .extend("t", { scope: "file" }, async ({}, { onCleanup }) => {
      const t = await createTestInstance({ env });
      onCleanup(() => t.close());
      return t;
    });
}

/**
 * An instance with account mail on, sending to an SMTP server of its own (`smtp`, in this process,
 * test/helpers/smtp.ts) that keeps every message it receives.
 */
export function mailTest(env: Env = {}) {
  return base
    .extend("smtp", { scope: "file" }, async ({}, { onCleanup }) => {
      const server = await startSmtpServer();
      onCleanup(() => server.stop());
      return server;
    })
    .extend("t", { scope: "file" }, async ({ smtp }, { onCleanup }) => {
      const t = await createTestInstance({ env: { MAIL_ENABLED: "true", SMTP_URL: smtp.url, ...env } });
      onCleanup(() => t.close());
      return t;
    })
    .extend("admin", { scope: "file" }, async ({ t }) => t.signInAs("admin"))
    .extend("member", async ({ t }) => t.signInAs({}));
}
