// Validation is the one step whose cost a client can push up quadratically (graphql-js compares every
// pair of same-named fields), so what reaches it is bounded first: fields per document, tokens and
// bytes per request. Over real HTTP, with a plugin that counts every validation Yoga starts: the
// rejected requests must never get there, the largest legitimate documents must.
import { readFileSync, readdirSync } from "node:fs";
import { getIntrospectionQuery } from "graphql";
import type { Plugin } from "graphql-yoga";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen } from "../../src/server/http.js";
import type { HttpServer } from "../../src/server/http.js";
import { createGateway } from "../../src/server/yoga.js";
import { createTestInstance } from "../helpers/instance.js";
import type { TestInstance } from "../helpers/instance.js";

interface Result {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

let t: TestInstance;
let http: HttpServer;
let validations = 0;

beforeAll(async () => {
  t = await createTestInstance();
  const counter: Plugin = {
    onValidate() {
      validations++;
    },
  };
  http = await listen(createGateway(t.app, { plugins: [counter] }), { port: 0, host: "127.0.0.1", log: t.app.log });
});
afterAll(async () => {
  await http?.drain(1000);
  await t?.close();
});

/** POSTs `body` as JSON; returns the status, the (first) result and how many validations it started. */
async function post(body: unknown, accept = "application/json"): Promise<{ status: number; results: Result[]; validated: number }> {
  const before = validations;
  const res = await fetch(`http://127.0.0.1:${http.port}/graphql`, { method: "POST", headers: { "content-type": "application/json", accept }, body: JSON.stringify(body) });
  const parsed = (await res.json()) as Result | Result[];
  return { status: res.status, results: Array.isArray(parsed) ? parsed : [parsed], validated: validations - before };
}

const codes = (r: Result | undefined): (string | undefined)[] => (r?.errors ?? []).map((e) => e.extensions?.code);

/** `count` new documents (distinct, so no cache helps), each selecting `health { status }` `selections` times. */
let sequence = 0;
function documents(count: number, selections: number): { query: string }[] {
  return Array.from({ length: count }, () => ({ query: `query Q${sequence++} { ${"health { status } ".repeat(selections)}}` }));
}

describe("requests rejected before validation", () => {
  it("the reported attack, a ~85 KB batch of ten documents selecting a field 480 times: PAYLOAD_TOO_LARGE", async () => {
    const r = await post(documents(10, 480));
    expect(r.status).toBe(413);
    expect(codes(r.results[0])).toEqual(["PAYLOAD_TOO_LARGE"]);
    expect(r.validated).toBe(0);
  });

  it("one such document alone (960 fields, within the token and byte limits): TOO_MANY_FIELDS", async () => {
    const [doc] = documents(1, 480);
    // A parse-time rejection: 400 to GraphQL-over-HTTP clients, 200 to plain JSON ones (like syntax errors).
    const r = await post(doc, "application/graphql-response+json");
    expect(r.status).toBe(400);
    expect(codes(r.results[0])).toEqual(["TOO_MANY_FIELDS"]);
    expect(r.results[0]?.errors?.[0]?.message).toBe("The document selects more than 250 fields.");
    expect(r.validated).toBe(0);
  });

  it("counts fields in fragments too", async () => {
    const r = await post({ query: `query F${sequence++} { ...A } fragment A on Query { ${"health { status } ".repeat(126)}}` });
    expect(codes(r.results[0])).toEqual(["TOO_MANY_FIELDS"]);
    expect(r.validated).toBe(0);
  });

  it("a batch whose documents pass one by one but exceed GRAPHQL_MAX_TOKENS together: TOO_MANY_TOKENS", async () => {
    // 200 fields and ~600 tokens each: under every per-document limit; 10 of them are ~6000 tokens.
    const batch = Array.from({ length: 10 }, () => ({ query: `query T${sequence++} { ${Array.from({ length: 200 }, (_, i) => `a${i}: __typename`).join(" ")} }` }));
    const r = await post(batch);
    expect(r.status).toBe(400);
    expect(codes(r.results[0])).toEqual(["TOO_MANY_TOKENS"]);
    expect(r.results[0]?.errors?.[0]?.message).toBe("The request's documents have more than 5000 tokens in total.");
    expect(r.validated).toBe(0);
  });
});

describe("the largest legitimate documents still pass", () => {
  const dir = new URL("../../client/operations/", import.meta.url);
  const fragments = readFileSync(new URL("fragments.graphql", dir), "utf8");
  const files = readdirSync(dir).filter((f) => f.endsWith(".graphql") && f !== "fragments.graphql");

  it.each(files)("client/operations/%s with the shared fragments", async (file) => {
    const source = `${readFileSync(new URL(file, dir), "utf8")}\n${fragments}`;
    const operationName = /\b(?:query|mutation|subscription)\s+(\w+)/.exec(source)?.[1];
    const r = await post({ query: source, operationName, variables: {} });
    expect(r.validated).toBe(1);
    for (const code of codes(r.results[0])) expect(code).not.toMatch(/^(TOO_MANY_FIELDS|TOO_MANY_TOKENS|PAYLOAD_TOO_LARGE)$/);
  });

  it("GraphiQL's full introspection query, alone and as a batch of ten", async () => {
    const query = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true });
    const one = await post({ query });
    expect(one.results[0]?.errors).toBeUndefined();
    expect(one.results[0]?.data).toHaveProperty("__schema.queryType.name", "Query");

    const ten = await post(Array.from({ length: 10 }, () => ({ query })));
    expect(ten.status).toBe(200);
    expect(ten.results.map((x) => x.errors)).toEqual(Array.from({ length: 10 }, () => undefined));
  });
});
