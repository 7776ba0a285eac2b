// While PostgreSQL refuses, is blackholed or too slow to hand out a connection within
// DATABASE_POOL_WAIT_MS, requests that need it answer SERVICE_UNAVAILABLE (HTTP 503, Retry-After),
// never INTERNAL_SERVER_ERROR, and change nothing. The instance reaches PostgreSQL through a proxy.
import { describe, expect, test as base } from "vitest";
import type { TestInstance } from "../helpers/instance.js";
import { createTestInstance } from "../helpers/instance.js";
import { SERVER_URL, TEST_ADMIN, cloneTemplate, dropDatabase } from "../helpers/pg.js";
import { startTcpProxy } from "../helpers/tcp-proxy.js";

const upstream = new URL(SERVER_URL);

const test = base
  .extend("proxy", { scope: "file" }, async ({}, { onCleanup }) => {
    const proxy = await startTcpProxy({ host: upstream.hostname, port: Number(upstream.port || 5432) });
    onCleanup(() => proxy.close());
    return proxy;
  })
  .extend("t", { scope: "file" }, async ({ proxy }, { onCleanup }) => {
    const databaseName = await cloneTemplate();
    const url = new URL(SERVER_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    url.pathname = `/${databaseName}`;
    const t = await createTestInstance({
      databaseName,
      env: { DATABASE_URL: url.toString(), DATABASE_POOL_MAX: "2", DATABASE_POOL_WAIT_MS: "300", DATABASE_QUERY_TIMEOUT_MS: "1000", LOGIN_MAX_FAILURES_PER_ACCOUNT: "3" },
    });
    onCleanup(async () => {
      await t.close();
      await dropDatabase(databaseName);
    });
    return t;
  });

const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { __typename ... on SignInSuccess { token } ... on Error { code } } }`;
const REVOKE = `mutation($id: ID!) { revokeSession(id: $id) { __typename } }`;

interface Answer {
  status: number;
  retryAfter: string | null;
  codes: string[];
}

async function post(t: TestInstance, query: string, variables: Record<string, unknown>, token?: string): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await t.yoga.fetch("http://authgraph.test/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
  for (const e of body.errors ?? []) expect(e.message).not.toMatch(/prisma|sql|connect|timeout|terminated|ECONN/i);
  return { status: res.status, retryAfter: res.headers.get("retry-after"), codes: (body.errors ?? []).map((e) => e.extensions?.code ?? "?") };
}

const UNAVAILABLE = { status: 503, retryAfter: expect.stringMatching(/^\d+$/), codes: ["SERVICE_UNAVAILABLE"] };
const signInVars = { input: { email: TEST_ADMIN.email, password: TEST_ADMIN.password } };

describe("PostgreSQL outage", () => {
  test("refused: sign-in and revoke answer SERVICE_UNAVAILABLE with Retry-After, and the revoke changed nothing", async ({ t, proxy }) => {
    const admin = await t.signInAs("admin");
    const victim = await t.signInAs({});
    await proxy.cut();
    expect(await post(t, SIGN_IN, signInVars)).toEqual(UNAVAILABLE);
    expect(await post(t, REVOKE, { id: victim.sessionGid }, admin.token)).toEqual(UNAVAILABLE);
    await proxy.restore();
    const row = await t.db.session.findUniqueOrThrow({ where: { id: victim.sessionId } });
    expect(row.revokedAt).toBeNull();
    await expect.poll(async () => (await post(t, SIGN_IN, signInVars)).codes).toEqual([]);
  });

  test("blackholed: sign-in answers SERVICE_UNAVAILABLE (query timeout), then works once the route is back", async ({ t, proxy }) => {
    await expect.poll(async () => (await post(t, SIGN_IN, signInVars)).codes).toEqual([]);
    proxy.blackhole();
    expect(await post(t, SIGN_IN, signInVars)).toEqual(UNAVAILABLE);
    await proxy.restore();
    await expect.poll(async () => (await post(t, SIGN_IN, signInVars)).codes, { timeout: 10_000 }).toEqual([]);
  });

  test("slow: sign-ins that cannot get a connection within the pool wait answer SERVICE_UNAVAILABLE, none INTERNAL_SERVER_ERROR", async ({ t, proxy }) => {
    await expect.poll(async () => (await post(t, SIGN_IN, signInVars)).codes).toEqual([]);
    proxy.delay(100);
    try {
      const answers = await Promise.all(Array.from({ length: 30 }, () => post(t, SIGN_IN, signInVars)));
      const failed = answers.filter((a) => a.codes.length > 0);
      expect(failed.length).toBeGreaterThan(0);
      for (const a of failed) expect(a).toEqual(UNAVAILABLE);
    } finally {
      await proxy.restore();
    }
  });

  test("sign-ins answered SERVICE_UNAVAILABLE use up no attempts: the account signs in at once when PostgreSQL is back", async ({ t, proxy }) => {
    const member = await t.signInAs({});
    const vars = { input: { email: member.email, password: member.password } };
    await proxy.cut();
    for (let i = 0; i < 6; i++) expect(await post(t, SIGN_IN, vars)).toEqual(UNAVAILABLE);
    await proxy.restore();
    await expect.poll(async () => (await post(t, SIGN_IN, vars)).codes).toEqual([]);
    const res = await t.gql<{ signIn: { __typename: string } }>(SIGN_IN, vars);
    expect(res.data?.signIn.__typename).toBe("SignInSuccess");
  });
});
