// A client's mistake in the values it sends is the client's error: a client-error code, graphql-js' (or
// our) message about the input, an info-level access log line — never INTERNAL_SERVER_ERROR, never an
// error-level line, and for values the database cannot store, nothing executed at all.
import { randomUUID } from "node:crypto";
import { GraphQLError, parse } from "graphql";
import type { OperationDefinitionNode } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeId } from "../../src/graphql/global-id.js";
import { createLogger } from "../../src/observability/log.js";
import { MASKED_MESSAGE, maskError } from "../../src/server/plugins/error-masking.js";
import { createTestInstance } from "../helpers/instance.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

const lines: string[] = [];
let t: TestInstance;
let admin: SignedIn;

beforeAll(async () => {
  const log = createLogger({ LOG_LEVEL: "info" }, { write: (line: string) => void lines.push(line) });
  t = await createTestInstance({ log });
  admin = await t.signInAs("admin");
});
afterAll(async () => {
  await t?.close();
});

const b64 = (s: string): string => Buffer.from(s).toString("base64url");
const USERS = "query($n: Int, $s: UserStatus, $f: UsersFilter, $q: String) { users(first: $n, filter: { status: $s, search: $q }) { edges { node { id } } } other: users(filter: $f) { edges { node { id } } } }";
const SINCE = "query($d: DateTime) { auditIntegrity(since: $d) { checkedCount } }";
const LONG = "x".repeat(10_001);

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  code: string;
  message: string | RegExp;
  /** The request never reached execution (no `data` at all). */
  unexecuted?: boolean;
}

const cases: Case[] = [
  { name: "a string where an Int variable belongs", query: USERS, variables: { n: "abc" }, code: "BAD_USER_INPUT", message: 'Variable "$n" got invalid value "abc"; Int cannot represent non-integer value: "abc"', unexecuted: true },
  { name: "an out-of-range Int variable", query: USERS, variables: { n: 99_999_999_999 }, code: "BAD_USER_INPUT", message: 'Variable "$n" got invalid value 99999999999; Int cannot represent non 32-bit signed integer value: 99999999999', unexecuted: true },
  { name: "a bad enum value in a variable", query: USERS, variables: { s: "NOPE" }, code: "BAD_USER_INPUT", message: 'Variable "$s" got invalid value "NOPE"; Value "NOPE" does not exist in "UserStatus" enum.', unexecuted: true },
  { name: "a bad enum value inside an input object variable", query: USERS, variables: { f: { status: "NOPE" } }, code: "BAD_USER_INPUT", message: /^Variable "\$f" got invalid value "NOPE" at "f\.status"; Value "NOPE" does not exist in "UserStatus" enum\./, unexecuted: true },
  { name: "an unknown field in an input object variable", query: USERS, variables: { f: { nope: 1 } }, code: "BAD_USER_INPUT", message: /^Variable "\$f" got invalid value \{ nope: 1 \}; Field "nope" is not defined by type "UsersFilter"\./, unexecuted: true },
  { name: "a required variable left out", query: "query($n: Int!) { users(first: $n) { edges { node { id } } } }", variables: {}, code: "BAD_USER_INPUT", message: 'Variable "$n" of required type "Int!" was not provided.', unexecuted: true },
  { name: "an unparseable DateTime", query: SINCE, variables: { d: "not-a-date" }, code: "BAD_USER_INPUT", message: 'Variable "$d" got invalid value "not-a-date"; DateTime cannot represent an invalid date-time-string not-a-date.', unexecuted: true },
  { name: "a DateTime past JavaScript's range", query: SINCE, variables: { d: "+275760-09-14T00:00:00.001Z" }, code: "BAD_USER_INPUT", message: /^Variable "\$d" got invalid value "\+275760-09-14T00:00:00\.001Z"; DateTime cannot represent/, unexecuted: true },
  { name: "a DateTime before year 1 (PostgreSQL has no year 0)", query: SINCE, variables: { d: "0000-06-01T00:00:00Z" }, code: "BAD_USER_INPUT", message: 'Variable "$d" got invalid value "0000-06-01T00:00:00Z"; DateTime must be between 0001-01-01 and 9999-12-31 (UTC).', unexecuted: true },
  { name: "the same DateTime as a literal (rejected by validation)", query: '{ auditIntegrity(since: "0000-06-01T00:00:00Z") { checkedCount } }', code: "GRAPHQL_VALIDATION_FAILED", message: "DateTime must be between 0001-01-01 and 9999-12-31 (UTC).", unexecuted: true },
  { name: "null for a non-null argument through a defaulted variable", query: 'query($id: ID = "x") { node(id: $id) { id } }', variables: { id: null }, code: "BAD_USER_INPUT", message: 'Argument "id" of non-null type "ID!" must not be null.' },
  { name: "a global id of a type that does not exist", query: `{ node(id: "${b64(`Foo:${randomUUID()}`)}") { id } }`, code: "INVALID_ID", message: "Malformed ID." },
  { name: "a global id of a type that is not a node", query: `{ node(id: "${b64(`Health:${randomUUID()}`)}") { id } }`, code: "INVALID_ID", message: "Malformed ID." },
  { name: "a NUL byte in a string variable", query: USERS, variables: { q: "a\u0000b" }, code: "BAD_USER_INPUT", message: 'Variable "$q" contains a NUL character (\\u0000), which is not allowed in strings.', unexecuted: true },
  { name: "a NUL byte deep in an input variable", query: "mutation($i: SignInInput!) { signIn(input: $i) { __typename } }", variables: { i: { email: "a\u0000@test.local", password: "whatever-password" } }, code: "BAD_USER_INPUT", message: 'Variable "$i" contains a NUL character (\\u0000), which is not allowed in strings.', unexecuted: true },
  { name: "a NUL byte in a string literal", query: '{ users(filter: { search: "a\\u0000b" }) { edges { node { id } } } }', code: "BAD_USER_INPUT", message: "String literals must not contain a NUL character (\\u0000).", unexecuted: true },
  { name: "a string variable over GRAPHQL_MAX_STRING_LENGTH", query: USERS, variables: { q: LONG }, code: "BAD_USER_INPUT", message: 'Variable "$q" contains a string longer than 10000 characters.', unexecuted: true },
  { name: "a string literal over GRAPHQL_MAX_STRING_LENGTH", query: `{ users(filter: { roleKey: "${LONG}" }) { edges { node { id } } } }`, code: "BAD_USER_INPUT", message: "String literals must be at most 10000 characters long.", unexecuted: true },
  { name: "a users search over 200 characters", query: USERS, variables: { q: "s".repeat(201) }, code: "VALIDATION_FAILED", message: "filter.search: must be at most 200 characters" },
];

function logLines(): Record<string, unknown>[] {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("client mistakes in input values", () => {
  it.each(cases.map((c, i) => [c.name, c, i] as const))("%s", async (_name, c, i) => {
    const requestId = `bad-input-${String(i).padStart(4, "0")}`;
    const res = await t.yoga.fetch("http://authgraph.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin.token}`, "x-request-id": requestId },
      body: JSON.stringify({ query: c.query, variables: c.variables ?? {} }),
    });
    const body = (await res.json()) as Body;
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual([c.code]);
    const [error] = body.errors ?? [];
    expect(error?.message).not.toBe("Internal server error");
    if (typeof c.message === "string") expect(error?.message).toBe(c.message);
    else expect(error?.message).toMatch(c.message);
    if (c.unexecuted) expect(body).not.toHaveProperty("data");

    const mine = logLines().filter((l) => l.requestId === requestId);
    expect(mine.filter((l) => l.level === "error" || l.level === "fatal" || l.level === "warn")).toEqual([]);
    expect(mine.find((l) => l.msg === "graphql request")).toMatchObject({ level: "info", errors: [c.code] });
  });
});

describe("ids that decode but name nothing", () => {
  it.each(["User", "Session", "Role"])("node(id:) of a %s that does not exist is null, not an error", async (type) => {
    const r = await t.gql(`{ node(id: "${encodeId(type, randomUUID())}") { id } }`, {}, { token: admin.token });
    expect(r).toEqual({ data: { node: null } });
  });

  it("no error-level line was written by any of it", () => {
    expect(logLines().filter((l) => l.level === "error" || l.level === "fatal")).toEqual([]);
  });
});

describe("what is not the client's input stays masked", () => {
  const variable = (parse("query($n: Int) { __typename }").definitions[0] as OperationDefinitionNode).variableDefinitions?.[0];

  it.each([
    ["an internal error raised with a variable's node but not graphql-js' wording", new GraphQLError("connection refused", { nodes: variable, originalError: new Error("ECONNREFUSED") })],
    ["coercion wording on an error raised inside a resolver (it has a path)", new GraphQLError('Variable "$n" got invalid value 1; boom', { nodes: variable, path: ["users"], originalError: new Error("boom") })],
    ["argument wording on an error that wraps another error", new GraphQLError('Argument "id" has invalid value 1.', { path: ["node"], originalError: new GraphQLError('Argument "id" has invalid value 1.', { originalError: new TypeError("x is undefined") }) })],
  ])("%s", (_name, error) => {
    const masked = maskError(error, MASKED_MESSAGE) as GraphQLError;
    expect(masked.message).toBe(MASKED_MESSAGE);
    expect(masked.extensions.code).toBe("INTERNAL_SERVER_ERROR");
  });
});
