// Every code a GraphQL response can carry is a value of the schema's `ErrorCode` enum, so a client can
// switch on it exhaustively: one request per path that produces an error (graphql-js, Yoga, its
// plugins, our guards, the domain), each answered with its registry code, the request id and
// `Cache-Control: no-store`. Codes of typed union members (`... on Error { code }`) are enum-typed by
// the schema itself.
import { GraphQLError, isEnumType } from "graphql";
import type { Plugin } from "graphql-yoga";
import { describe, expect } from "vitest";
import { ErrorCode } from "../../src/errors.js";
import { schema } from "../../src/graphql/index.js";
import { createGateway } from "../../src/server/yoga.js";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";

const test = instanceTest({
  env: {
    GRAPHQL_MAX_DEPTH: "5",
    GRAPHQL_MAX_COMPLEXITY: "200",
    GRAPHQL_MAX_ALIASES: "3",
    GRAPHQL_MAX_DIRECTIVES: "3",
    GRAPHQL_MAX_TOKENS: "300",
    GRAPHQL_MAX_FIELDS: "40",
    GRAPHQL_MAX_BATCH: "2",
    GRAPHQL_MAX_PAGE_SIZE: "10",
    GRAPHQL_INTROSPECTION: "false",
    REQUEST_BODY_LIMIT_BYTES: "4096",
    PERSISTED_OPERATIONS: "allow",
  },
}).extend("only", { scope: "file" }, async ({ t }) => t.sibling({ PERSISTED_OPERATIONS: "only" }));

const ENUM = (() => {
  const type = schema.getType("ErrorCode");
  if (!isEnumType(type)) throw new Error("ErrorCode is not an enum");
  return new Set(type.getValues().map((v) => v.value as string));
})();

interface Call {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Send `body` as is (not JSON-encoded). */
  raw?: boolean;
}

interface Case {
  name: string;
  code: ErrorCode;
  call: Call;
  instance?: "only" | "faulty";
  token?: "member" | "admin";
}

const json = (body: unknown, extra: Partial<Call> = {}): Call => ({ body, ...extra });
const deep = "{ viewer { user { sessions { edges { node { user { id } } } } } } }";

const cases: Case[] = [
  { name: "a document that does not parse", code: "GRAPHQL_PARSE_FAILED", call: json({ query: "{" }) },
  { name: "a field the schema does not have", code: "GRAPHQL_VALIDATION_FAILED", call: json({ query: "{ nope }" }) },
  { name: "two operations and no operationName", code: "OPERATION_RESOLUTION_FAILURE", call: json({ query: "query A { __typename } query B { __typename }" }) },
  { name: "an operationName the document does not have", code: "OPERATION_RESOLUTION_FAILURE", call: json({ query: "query A { __typename }", operationName: "B" }) },
  {
    name: "a subscription asked for as JSON (streams are Server-Sent Events)",
    code: "OPERATION_NOT_SUPPORTED",
    call: json({ query: "subscription { viewerSessionEvents { kind } }" }, { headers: { accept: "application/json" } }),
    token: "member",
  },
  { name: "a subscription sent with no Accept header", code: "OPERATION_NOT_SUPPORTED", call: json({ query: "subscription { viewerSessionEvents { kind } }" }), token: "member" },
  { name: "a body that is not JSON", code: "BAD_REQUEST", call: { body: "{", raw: true } },
  { name: "a body without a query", code: "BAD_REQUEST", call: json({}) },
  { name: "variables that are not an object", code: "BAD_REQUEST", call: json({ query: "{ __typename }", variables: 3 }) },
  { name: "an unknown request parameter", code: "BAD_REQUEST", call: json({ query: "{ __typename }", foo: 1 }) },
  { name: "a PUT", code: "BAD_REQUEST", call: json({ query: "{ __typename }" }, { method: "PUT" }) },
  { name: "a mutation over GET", code: "BAD_REQUEST", call: { method: "GET", path: "/graphql?query=mutation%7BsignOut%7B__typename%7D%7D", headers: { "x-graphql-csrf": "1" } } },
  { name: "a GET without a CSRF header", code: "CSRF_REJECTED", call: { method: "GET", path: "/graphql?query=%7B__typename%7D" } },
  { name: "an Origin that is neither the gateway's nor listed", code: "CSRF_REJECTED", call: json({ query: "{ __typename }" }, { headers: { origin: "https://elsewhere.test" } }) },
  { name: "a batch over GRAPHQL_MAX_BATCH", code: "BATCH_TOO_LARGE", call: json([{ query: "{ __typename }" }, { query: "{ __typename }" }, { query: "{ __typename }" }]) },
  { name: "a body over REQUEST_BODY_LIMIT_BYTES", code: "PAYLOAD_TOO_LARGE", call: json({ query: `{ __typename } # ${"x".repeat(5000)}` }) },
  { name: "a document over GRAPHQL_MAX_TOKENS", code: "TOO_MANY_TOKENS", call: json({ query: `{ ${"__typename ".repeat(310)}}` }) },
  { name: "a document over GRAPHQL_MAX_FIELDS", code: "TOO_MANY_FIELDS", call: json({ query: `{ ${Array.from({ length: 50 }, () => "__typename").join(" ")} }` }) },
  { name: "more aliases than GRAPHQL_MAX_ALIASES", code: "TOO_MANY_ALIASES", call: json({ query: "{ a: health { status } b: health { status } c: health { status } d: health { status } }" }) },
  { name: "more directives than GRAPHQL_MAX_DIRECTIVES", code: "TOO_MANY_DIRECTIVES", call: json({ query: "{ __typename @skip(if: false) @skip(if: false) @skip(if: false) @skip(if: false) }" }) },
  { name: "a query deeper than GRAPHQL_MAX_DEPTH", code: "QUERY_TOO_DEEP", call: json({ query: deep }) },
  { name: "a query costlier than GRAPHQL_MAX_COMPLEXITY", code: "QUERY_TOO_COMPLEX", call: json({ query: "{ roles { permissions { key description } users(first: 10) { edges { node { email name } } } } }" }), token: "admin" },
  { name: "introspection while it is off", code: "INTROSPECTION_DISABLED", call: json({ query: "{ __schema { queryType { name } } }" }) },
  { name: "a page larger than GRAPHQL_MAX_PAGE_SIZE", code: "PAGE_SIZE_EXCEEDED", call: json({ query: "{ users(first: 11) { edges { cursor } } }" }), token: "admin" },
  { name: "a malformed cursor", code: "INVALID_CURSOR", call: json({ query: '{ viewer { user { sessions(first: 1, after: "%%%") { edges { cursor } } } } }' }), token: "member" },
  { name: "a malformed global id", code: "INVALID_ID", call: json({ query: '{ node(id: "nope") { id } }' }), token: "member" },
  { name: "a variable of the wrong type", code: "BAD_USER_INPUT", call: json({ query: "query($n: Int) { users(first: $n) { edges { cursor } } }", variables: { n: "ten" } }) },
  { name: "a required input field left out", code: "BAD_USER_INPUT", call: json({ query: "mutation($i: SignInInput!) { signIn(input: $i) { __typename } }", variables: { i: { email: "a@b.test" } } }) },
  { name: "a users search over 200 characters", code: "VALIDATION_FAILED", call: json({ query: "query($q: String) { users(filter: { search: $q }) { edges { cursor } } }", variables: { q: "s".repeat(201) } }), token: "admin" },
  { name: "a query that needs a session, without one", code: "UNAUTHENTICATED", call: json({ query: "{ users { edges { cursor } } }" }) },
  { name: "a query that needs a permission the caller lacks", code: "FORBIDDEN", call: json({ query: "{ users { edges { cursor } } }" }), token: "member" },
  { name: "a persisted operation id not in the manifest", code: "PERSISTED_QUERY_NOT_FOUND", call: json({ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }) },
  { name: "a document not in the manifest while PERSISTED_OPERATIONS=only", code: "PERSISTED_QUERY_ONLY", call: json({ query: "{ __typename }" }), instance: "only" },
  { name: "an error with a code outside the registry (masked)", code: "INTERNAL_SERVER_ERROR", call: json({ query: "{ __typename }" }), instance: "faulty" },
];

/** A plugin raising an error with a code no one registered, as a dependency might. */
const foreignError: Plugin = {
  onExecute() {
    throw new GraphQLError("something a dependency said", { extensions: { code: "SOME_LIBRARY_CODE" } });
  },
};

async function send(instance: TestInstance, c: Case, token: string | undefined): Promise<Response> {
  const yoga = c.instance === "faulty" ? createGateway(instance.app, { plugins: [foreignError] }) : instance.yoga;
  const { method = "POST", path = "/graphql", headers = {}, body } = c.call;
  return yoga.fetch(`http://authgraph.test${path}`, {
    method,
    headers: { ...(method === "GET" ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    ...(body === undefined ? {} : { body: c.call.raw ? String(body) : JSON.stringify(body) }),
  });
}

/** The error objects of a JSON response, a batch, or an event stream. */
function errorsOf(text: string): { message: string; extensions?: Record<string, unknown> }[] {
  const payloads = text.startsWith("{") || text.startsWith("[") ? [text] : [...text.matchAll(/^data: (\{.*\})$/gm)].map((m) => m[1] ?? "");
  return payloads.flatMap((p) => {
    const parsed = JSON.parse(p) as unknown;
    const results = Array.isArray(parsed) ? parsed : [parsed];
    return results.flatMap((r: { errors?: { message: string; extensions?: Record<string, unknown> }[] }) => r.errors ?? []);
  });
}

describe("every code a response carries is in the ErrorCode enum", () => {
  test("the enum is the registry", () => {
    expect([...ENUM].sort()).toEqual(Object.values(ErrorCode).sort());
  });

  test.for(cases)("$name", async (c, { t, only, member, admin }) => {
    const instance = c.instance === "only" ? only : t;
    const res = await send(instance, c, c.token === "member" ? member.token : c.token === "admin" ? admin.token : undefined);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const errors = errorsOf(await res.text());
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(ENUM.has(String(e.extensions?.code)), `${String(e.extensions?.code)} (${e.message}) is not in the enum`).toBe(true);
      expect(e.extensions?.requestId).toBe(res.headers.get("x-request-id"));
      expect(e.extensions).not.toHaveProperty("originalError");
    }
    expect(errors.map((e) => e.extensions?.code)).toContain(c.code);
  });

  test("a successful response is no-store too", async ({ t }) => {
    const res = await t.yoga.fetch("http://authgraph.test/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(await res.json()).toEqual({ data: { __typename: "Query" } });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  test("every registry code is reached by a case above, or is a typed union member's, or answers outside GraphQL", () => {
    const covered = new Set<string>(cases.map((c) => c.code));
    // Returned as typed results (`... on Error { code }`) by mutations, covered by their modules' tests;
    // SERVICE_UNAVAILABLE is the /ready probe's (test/health).
    const elsewhere = ["INVALID_CREDENTIALS", "RATE_LIMITED", "ACCOUNT_LOCKED", "SIGN_UP_DISABLED", "NOT_FOUND", "CONFLICT", "LAST_ADMIN", "ROLE_IN_USE", "SERVICE_UNAVAILABLE",
      // account mail (test/users, test/credentials/password-reset, test/mail) and second factors (test/mfa)
      "EMAIL_NOT_VERIFIED", "INVALID_TOKEN", "MAIL_DISABLED", "STEP_UP_REQUIRED", "INVALID_SECOND_FACTOR", "MFA_CHALLENGE_INVALID", "MFA_NOT_CONFIGURED",
      // the ends and refusals of live streams, over SSE (test/live)
      "TOO_MANY_STREAMS", "LIVE_UNAVAILABLE"];
    expect(Object.values(ErrorCode).filter((code) => !covered.has(code) && !elsewhere.includes(code))).toEqual([]);
  });
});
