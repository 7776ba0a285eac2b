// SIGTERM drains: the server stops accepting, lets in-flight requests finish (bounded by
// SHUTDOWN_GRACE_MS), closes Redis and the pool, and exits 0. The slow request is real: a trigger on
// the test database's sessions table makes sign-in sleep in PostgreSQL, so nothing test-only is
// added to the public schema.
import { connect } from "node:net";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { TEST_ADMIN, withServer } from "../helpers/pg.js";
import { startServer } from "../helpers/server.js";
import type { TestServer } from "../helpers/server.js";

function slowSignIns(seconds: number): (databaseUrl: string) => Promise<void> {
  return async (databaseUrl) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(`
        CREATE FUNCTION test_slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_sleep(${seconds}); RETURN NEW; END $$;
        CREATE TRIGGER test_slow_insert BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION test_slow_insert();`);
    } finally {
      await client.end();
    }
  };
}

function signIn(server: TestServer, password = TEST_ADMIN.password): Promise<Response> {
  return fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: "mutation($input: SignInInput!) { signIn(input: $input) { __typename ... on SignInSuccess { token } } }",
      variables: { input: { email: TEST_ADMIN.email, password } },
    }),
  });
}

/**
 * A failed sign-in touches Prisma (whose first query compiles its query engine, blocking the event
 * loop for a moment) without inserting a session, so the test proper runs on a warm server.
 */
async function warmUp(server: TestServer): Promise<void> {
  const res = await signIn(server, "warm-up-wrong-password");
  expect(res.status).toBe(200);
}

async function logged(server: TestServer, msg: string): Promise<void> {
  await expect.poll(() => server.logs().some((l) => l.msg === msg), { timeout: 5000, interval: 20 }).toBe(true);
}

/** Statements of the server's database now sleeping in the trigger, i.e. sign-ins in flight in PostgreSQL. */
async function sleepingSignIns(server: TestServer): Promise<number> {
  const rows = await withServer((c) => c.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event = 'PgSleep'", [server.databaseName]));
  return rows.rows[0]?.n ?? 0;
}

/** Resolves once a sign-in is sleeping in PostgreSQL: the request is in flight, past the HTTP layer. */
async function inPostgres(server: TestServer): Promise<void> {
  await expect.poll(() => sleepingSignIns(server), { timeout: 10_000, interval: 20 }).toBe(1);
}

describe("graceful shutdown", () => {
  it("finishes an in-flight request after SIGTERM, refuses new connections, then exits 0", async () => {
    const server = await startServer({ prepare: slowSignIns(2), env: { SHUTDOWN_GRACE_MS: "15000" } });
    try {
      await warmUp(server);
      const inFlight = signIn(server);
      await inPostgres(server);
      process.kill(server.pid, "SIGTERM");
      await logged(server, "shutting down: draining in-flight requests");

      // Stopped accepting: a new connection is refused while the old request is still running.
      const late = await fetch(`${server.url}/health`).then(
        (r) => `status ${r.status}`,
        (e: unknown) => String((e as { cause?: { code?: string } }).cause?.code ?? e),
      );
      expect(late).toBe("ECONNREFUSED");

      const res = await inFlight;
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { signIn: { __typename: string; token?: string } } };
      expect(body.data.signIn.__typename).toBe("SignInSuccess");

      expect(await server.exited).toEqual({ code: 0, signal: null });
      const messages = server.logs().map((l) => l.msg);
      expect(messages).toContain("shutting down: draining in-flight requests");
      expect(server.logs().find((l) => l.msg === "stopped")).toMatchObject({ clean: true });
      expect(messages).not.toContain("grace period over: dropping unfinished requests");
    } finally {
      await server.close();
    }
  });

  it("gives up on requests that outlast SHUTDOWN_GRACE_MS and still exits", async () => {
    const server = await startServer({ prepare: slowSignIns(3), env: { SHUTDOWN_GRACE_MS: "300" } });
    try {
      await warmUp(server);
      const inFlight = signIn(server).then(
        (r) => `status ${r.status}`,
        () => "connection dropped",
      );
      await inPostgres(server);
      process.kill(server.pid, "SIGTERM");
      expect(await inFlight).toBe("connection dropped");
      // Dropped at the end of the grace period, while the query was still running.
      expect(await sleepingSignIns(server)).toBe(1);
      const status = await server.exited;
      expect(status.signal).toBeNull();
      expect(server.logs().map((l) => l.msg)).toContain("grace period over: dropping unfinished requests");
      expect(status.code).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("with a drain delay, /ready turns 503 at once while requests are still served, then the process exits 0", async () => {
    const server = await startServer({ env: { SHUTDOWN_DRAIN_DELAY_MS: "3000" } });
    try {
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
      process.kill(server.pid, "SIGTERM");
      await expect.poll(async () => (await fetch(`${server.url}/ready`)).status).toBe(503);
      expect(await (await fetch(`${server.url}/ready`)).json()).toEqual({ status: "draining" });
      // Still served: a balancer that has not seen the 503 yet loses nothing.
      const res = await signIn(server);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ data: { signIn: { __typename: "SignInSuccess" } } });
      expect((await server.exited).code).toBe(0);
      expect(server.logs().map((l) => l.msg)).toContain("shutting down: /ready is 503, still serving during the drain delay");
    } finally {
      await server.close();
    }
  });
});

describe("keep-alive", () => {
  it("an idle keep-alive connection outlives Node's 5 s default (HTTP_KEEP_ALIVE_TIMEOUT_MS), so a balancer reusing it gets no reset", async () => {
    const server = await startServer();
    try {
      const { port } = new URL(server.url);
      const socket = connect(Number(port), "127.0.0.1");
      socket.setEncoding("utf8");
      let received = "";
      socket.on("data", (d: string) => (received += d));
      const closed = new Promise<void>((r) => socket.once("close", () => r()));
      let isClosed = false;
      void closed.then(() => (isClosed = true));
      const get = (): void => void socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
      get();
      await expect.poll(() => received).toMatch(/^HTTP\/1\.1 200/);
      await new Promise((r) => setTimeout(r, 6000));
      expect(isClosed).toBe(false);
      received = "";
      get();
      await expect.poll(() => received).toMatch(/^HTTP\/1\.1 200/);
      socket.destroy();
    } finally {
      await server.close();
    }
  }, 30_000);
});
