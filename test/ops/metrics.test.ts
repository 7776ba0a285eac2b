// /metrics: Prometheus text with operation counts/latency, error codes, cache lookups, breaker
// state, pool usage and sign-in outcomes; bearer-protected; one registry per instance.
import { describe, expect } from "vitest";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { TEST_ADMIN } from "../helpers/pg.js";
import { metricsOf } from "../../src/observability/metrics.js";

const TOKEN = "metrics-token-0123456789abcdef";

/** `t` with METRICS_TOKEN set; `other`, on the same database and Redis, without it. */
const test = instanceTest({ env: { METRICS_TOKEN: TOKEN } }).extend("other", { scope: "file" }, async ({ t }) => t.sibling({ METRICS_TOKEN: "" }));

async function scrape(instance: TestInstance, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }): Promise<{ status: number; text: string; type: string | null }> {
  const res = await instance.yoga.fetch("http://authgraph.test/metrics", { headers });
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") };
}

/** The value of one sample, e.g. sample(text, 'authgraph_sign_ins_total{outcome="success"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function signIn(instance: TestInstance, password: string): Promise<void> {
  await instance.gql("mutation SignIn($input: SignInInput!) { signIn(input: $input) { __typename } }", { input: { email: TEST_ADMIN.email, password } });
}

describe("/metrics", () => {
  test("refuses a missing or wrong bearer token when METRICS_TOKEN is set", async ({ t }) => {
    expect((await scrape(t, {})).status).toBe(401);
    expect((await scrape(t, { authorization: "Bearer nope" })).status).toBe(401);
    expect((await scrape(t, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
  });

  test("without METRICS_TOKEN answers only direct loopback callers (in-process fetch has no socket: refused)", async ({ other }) => {
    expect((await scrape(other, {})).status).toBe(403);
  });

  test("reports operations, latency, errors, sign-ins, cache, breaker and pool", async ({ t }) => {
    await signIn(t, TEST_ADMIN.password);
    await signIn(t, "wrong-password-123");
    const admin = await t.signInAs("admin");
    await t.gql("query Who { viewer { user { email permissions } } }", {}, { token: admin.token });
    await t.gql("query Who { viewer { user { email permissions } } }", {}, { token: admin.token });
    await t.gql("{ nope }");

    const { status, text, type } = await scrape(t);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0.0.4/);

    expect(sample(text, 'authgraph_sign_ins_total{outcome="success"}')).toBe(2);
    expect(sample(text, 'authgraph_sign_ins_total{outcome="invalid_credentials"}')).toBe(1);
    expect(sample(text, 'authgraph_graphql_operations_total{operation="SignIn",type="mutation",outcome="ok"}')).toBe(2);
    expect(sample(text, 'authgraph_graphql_operations_total{operation="Who",type="query",outcome="ok"}')).toBe(2);
    expect(sample(text, 'authgraph_graphql_operations_total{operation="(anonymous)",type="unknown",outcome="error"}')).toBe(1);
    expect(sample(text, 'authgraph_graphql_request_duration_seconds_count{operation="Who",type="query"}')).toBe(2);
    expect(sample(text, 'authgraph_graphql_request_duration_seconds_bucket{le="+Inf",operation="Who",type="query"}')).toBe(2);
    expect(sample(text, 'authgraph_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);

    // The second viewer request finds the session (and permissions) in the cache.
    expect(sample(text, 'authgraph_cache_lookups_total{kind="session",result="hit"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'authgraph_cache_lookups_total{kind="perms",result="hit"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'authgraph_cache_lookups_total{kind="perms",result="miss"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'authgraph_cache_breaker_state{state="closed"}')).toBe(1);
    expect(sample(text, 'authgraph_cache_breaker_state{state="open"}')).toBe(0);
    expect(sample(text, "authgraph_cache_up")).toBe(1);
    expect(sample(text, 'authgraph_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'authgraph_db_pool_connections{state="waiting"}')).toBe(0);
    expect(sample(text, "authgraph_db_pool_max")).toBe(10);
    expect(text).toContain("authgraph_process_cpu_seconds_total");
  });

  test("counts each instance separately (no shared global registry)", async ({ t, other }) => {
    const mine = await scrape(t);
    expect(sample(mine.text, 'authgraph_sign_ins_total{outcome="success"}')).toBeGreaterThanOrEqual(2);
    // The sibling shares the database and Redis but not the registry.
    const theirs = await metricsOf(other.app).registry.metrics();
    expect(theirs).toContain("# TYPE authgraph_sign_ins_total counter");
    expect(sample(theirs, 'authgraph_sign_ins_total{outcome="success"}')).toBeUndefined();
  });

  test("bounds the operation label: names clients make up do not become series", async ({ t }) => {
    const odd = ["x".repeat(100), "bad-name", "a b"];
    for (const operationName of odd) {
      await t.yoga.fetch("http://authgraph.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }", operationName }),
      });
    }
    const { text } = await scrape(t);
    for (const name of odd) expect(text).not.toContain(`operation="${name}"`);
    expect(text).toContain('operation="(other)"');
  });
});
