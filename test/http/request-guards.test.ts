// Request guards: each limit is configurable and each rejection carries its registry code (and the
// request id), through the same yoga.fetch a Node server uses.
import { describe, expect } from "vitest";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";

interface Body {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string; requestId?: string } }[];
}

/** `t` with tight limits; `open`, on the same database, with no batching and introspection on. */
const test = instanceTest({
  env: {
    GRAPHQL_MAX_DEPTH: "5",
    GRAPHQL_MAX_COMPLEXITY: "40",
    GRAPHQL_MAX_ALIASES: "3",
    GRAPHQL_MAX_TOKENS: "120",
    GRAPHQL_MAX_BATCH: "2",
    GRAPHQL_INTROSPECTION: "false",
    REQUEST_BODY_LIMIT_BYTES: "2048",
  },
}).extend("open", { scope: "file" }, async ({ t }) => t.sibling({ GRAPHQL_MAX_BATCH: "0", GRAPHQL_INTROSPECTION: "true" }));

async function post(instance: TestInstance, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Body; requestId: string | null }> {
  const res = await instance.yoga.fetch("http://authgraph.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Body, requestId: res.headers.get("x-request-id") };
}

function codes(body: Body): (string | undefined)[] {
  return (body.errors ?? []).map((e) => e.extensions?.code);
}

describe("depth and cost (Pothos complexity plugin)", () => {
  test("rejects a query deeper than GRAPHQL_MAX_DEPTH with QUERY_TOO_DEEP", async ({ t }) => {
    const r = await post(t, { query: "{ viewer { user { sessions { edges { node { user { id } } } } } } }" });
    expect(codes(r.body)).toEqual(["QUERY_TOO_DEEP"]);
    expect(r.body.errors?.[0]?.message).toMatch(/depth \d+ exceeds the limit of 5/);
  });

  test("rejects a query costlier than GRAPHQL_MAX_COMPLEXITY with QUERY_TOO_COMPLEX", async ({ t, admin }) => {
    const r = await post(t, { query: "{ permissions { id key description } roles { id key name } }" }, { authorization: `Bearer ${admin.token}` });
    expect(codes(r.body)).toEqual(["QUERY_TOO_COMPLEX"]);
  });

  test("lets a query within both limits through", async ({ t }) => {
    const r = await post(t, { query: "{ health { status } }" });
    expect(r.body.errors).toBeUndefined();
  });
});

// Parse and validation failures answer 200 to `application/json` clients and 400 to
// `application/graphql-response+json` ones, as GraphQL over HTTP specifies; ask for the latter.
const SPEC = { accept: "application/graphql-response+json" };

describe("aliases and tokens", () => {
  test("rejects more than GRAPHQL_MAX_ALIASES aliases, counting those inside fragments", async ({ t }) => {
    const direct = await post(t, { query: "{ a: health { status } b: health { status } c: health { status } d: health { status } }" }, SPEC);
    expect(direct.status).toBe(400);
    expect(codes(direct.body)).toEqual(["TOO_MANY_ALIASES"]);

    const viaFragment = await post(t, { query: "query { ...F ...F } fragment F on Query { a: health { status } b: health { status } }" });
    expect(codes(viaFragment.body)).toEqual(["TOO_MANY_ALIASES"]);

    const ok = await post(t, { query: "{ a: health { status } b: health { status } c: health { status } }" });
    expect(ok.body.errors).toBeUndefined();
  });

  test("rejects a document with more than GRAPHQL_MAX_TOKENS tokens before building its AST", async ({ t }) => {
    const fields = Array.from({ length: 130 }, () => "__typename").join(" ");
    const r = await post(t, { query: `{ ${fields} }` }, SPEC);
    expect(r.status).toBe(400);
    expect(codes(r.body)).toEqual(["TOO_MANY_TOKENS"]);
  });
});

describe("batching", () => {
  test("accepts up to GRAPHQL_MAX_BATCH operations and rejects more with BATCH_TOO_LARGE", async ({ t }) => {
    const op = { query: "{ health { status } }" };
    const two = await t.yoga.fetch("http://authgraph.test/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([op, op]) });
    expect(two.status).toBe(200);
    expect(((await two.json()) as Body[]).length).toBe(2);

    const three = await post(t, [op, op, op]);
    expect(three.status).toBe(413);
    expect(codes(three.body)).toEqual(["BATCH_TOO_LARGE"]);
  });

  test("rejects any batch when GRAPHQL_MAX_BATCH=0", async ({ open }) => {
    const r = await post(open, [{ query: "{ __typename }" }]);
    expect(r.status).toBe(400);
    expect(codes(r.body)).toEqual(["BATCH_TOO_LARGE"]);
  });
});

describe("request body size", () => {
  test("rejects a declared Content-Length over REQUEST_BODY_LIMIT_BYTES without reading it", async ({ t }) => {
    const r = await post(t, { query: "{ __typename }", variables: { pad: "x".repeat(4000) } });
    expect(r.status).toBe(413);
    expect(codes(r.body)).toEqual(["PAYLOAD_TOO_LARGE"]);
  });

  test("counts a streamed body without Content-Length and rejects it past the limit", async ({ t }) => {
    const chunk = new TextEncoder().encode(`{"query":"{ __typename }","variables":{"pad":"${"x".repeat(1000)}`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // An endless body: only the limit stops it.
        sent++;
        controller.enqueue(sent === 1 ? chunk : new TextEncoder().encode("x".repeat(1000)));
        if (sent > 100) controller.close();
      },
    });
    const res = await t.yoga.fetch("http://authgraph.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.headers.get("content-length")).not.toBeNull();
    const parsed = (await res.json()) as Body;
    expect(codes(parsed)).toEqual(["PAYLOAD_TOO_LARGE"]);
    expect(sent).toBeLessThan(10);
  });
});

describe("CSRF prevention", () => {
  const url = (q: string): string => `http://authgraph.test/graphql?query=${encodeURIComponent(q)}`;

  test("refuses simple (non-preflighted) requests without a CSRF header", async ({ t }) => {
    const get = await t.yoga.fetch(url("{ __typename }"), { headers: { accept: "application/json" } });
    expect(get.status).toBe(403);
    expect(codes((await get.json()) as Body)).toEqual(["CSRF_REJECTED"]);

    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await t.yoga.fetch("http://authgraph.test/graphql", { method: "POST", headers: { "content-type": type }, body: '{"query":"{ __typename }"}' });
      expect(res.status, type).toBe(403);
      expect(codes((await res.json()) as Body), type).toEqual(["CSRF_REJECTED"]);
    }
  });

  test("accepts JSON POSTs and GETs that carry x-graphql-csrf", async ({ t }) => {
    const get = await t.yoga.fetch(url("{ __typename }"), { headers: { accept: "application/json", "x-graphql-csrf": "1" } });
    expect(get.status).toBe(200);
    expect(((await get.json()) as Body).data).toEqual({ __typename: "Query" });
    const json = await post(t, { query: "{ __typename }" });
    expect(json.status).toBe(200);
  });

  test("still serves the GraphiQL page to a browser", async ({ t }) => {
    const res = await t.yoga.fetch("http://authgraph.test/graphql", { headers: { accept: "text/html" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("YogaGraphiQL");
  });
});

describe("introspection switch", () => {
  test("rejects introspection with INTROSPECTION_DISABLED when GRAPHQL_INTROSPECTION=false, __typename still works", async ({ t }) => {
    const r = await post(t, { query: "{ __schema { queryType { name } } }" });
    expect(codes(r.body)).toEqual(["INTROSPECTION_DISABLED"]);
    const typeQuery = await post(t, { query: '{ __type(name: "User") { name } }' });
    expect(codes(typeQuery.body)).toEqual(["INTROSPECTION_DISABLED"]);
    const typename = await post(t, { query: "{ __typename }" });
    expect(typename.body.errors).toBeUndefined();
  });

  test("allows it when enabled", async ({ open }) => {
    const r = await post(open, { query: "{ __schema { queryType { name } } }" });
    expect(r.body).toEqual({ data: { __schema: { queryType: { name: "Query" } } } });
  });
});

describe("every rejection names the request", () => {
  test("puts the x-request-id header value into each error's extensions", async ({ t }) => {
    const r = await post(t, { query: "{ __schema { queryType { name } } }" });
    expect(r.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.body.errors?.[0]?.extensions?.requestId).toBe(r.requestId);

    const chosen = await post(t, { query: "{ nope }" }, { "x-request-id": "client-chosen-id-123" });
    expect(chosen.requestId).toBe("client-chosen-id-123");
    expect(chosen.body.errors?.[0]?.extensions?.requestId).toBe("client-chosen-id-123");

    const forged = await post(t, { query: "{ nope }" }, { "x-request-id": "bad id\nwith newline" });
    expect(forged.requestId).not.toContain("bad");
  });
});
