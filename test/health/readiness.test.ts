// /ready tells a load balancer whether this instance can answer: 503 while PostgreSQL is unreachable,
// 200 again once it answers. The instance reaches PostgreSQL through a proxy the test cuts, so the
// shared server is never stopped.
import { describe, expect, test as base } from "vitest";
import type { TestInstance } from "../helpers/instance.js";
import { createTestInstance } from "../helpers/instance.js";
import { SERVER_URL, cloneTemplate, dropDatabase } from "../helpers/pg.js";
import { startTcpProxy } from "../helpers/tcp-proxy.js";

const server = new URL(SERVER_URL);

const test = base
  .extend("proxy", { scope: "file" }, async ({}, { onCleanup }) => {
    const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    onCleanup(() => proxy.close());
    return proxy;
  })
  .extend("t", { scope: "file" }, async ({ proxy }, { onCleanup }) => {
    const databaseName = await cloneTemplate();
    const url = new URL(SERVER_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    url.pathname = `/${databaseName}`;
    const t = await createTestInstance({ databaseName, env: { DATABASE_URL: url.toString() } });
    onCleanup(async () => {
      await t.close();
      await dropDatabase(databaseName);
    });
    return t;
  });

interface Readiness {
  status: number;
  body: { status: string; postgres: { status: string; message: string | null } };
}

async function ready(t: TestInstance): Promise<Readiness> {
  const res = await t.yoga.fetch("http://authgraph.test/ready");
  return { status: res.status, body: (await res.json()) as Readiness["body"] };
}

const READY = { status: 200, body: { status: "ready", postgres: { status: "OK" } } };
const UNAVAILABLE = { status: 503, body: { status: "unavailable", postgres: { status: "DOWN" } } };

describe("/ready", () => {
  test("is 503 (unavailable) while PostgreSQL is unreachable and 200 (ready) once it answers again", async ({ t, proxy }) => {
    expect(await ready(t)).toMatchObject(READY);

    await proxy.cut();
    // Once the pool has let go of its dropped connection, every check has to connect: refused.
    await expect.poll(() => t.app.db.pool.totalCount).toBe(0);
    expect(await ready(t)).toMatchObject(UNAVAILABLE);
    expect(await ready(t)).toMatchObject(UNAVAILABLE);
    const health = await t.gql<{ health: { status: string; postgres: { status: string } } }>("{ health { status postgres { status } } }");
    expect(health.data?.health).toEqual({ status: "DOWN", postgres: { status: "DOWN" } });

    await proxy.restore();
    await expect.poll(() => ready(t)).toMatchObject(READY);
  });

  test("a connection dropped in the middle of the check: 503, and the next check (on a new connection) 200", async ({ t, proxy }) => {
    await expect.poll(() => ready(t)).toMatchObject(READY);
    proxy.dropOnNextRequest();
    expect(await ready(t)).toMatchObject(UNAVAILABLE);
    expect(await ready(t)).toMatchObject(READY);
  });

  test("is that path only: a path that merely ends in /ready is not the probe", async ({ t }) => {
    expect((await t.yoga.fetch("http://authgraph.test/ready")).status).toBe(200);
    for (const path of ["/not/ready", "/already", "/graphql/ready"]) {
      const res = await t.yoga.fetch(`http://authgraph.test${path}`);
      expect(res.status, path).toBe(404);
    }
  });
});
