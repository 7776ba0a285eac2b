// A corpus of bad requests for bad-input-corpus.test.ts: malformed JSON and content types, oversized
// and bomb documents, batch floods, wrong variable types, injection strings in every String and ID
// argument, NUL bytes and lone surrogates, over-long fields, garbage cursors and ids, tampered
// tokens and headers. Each case names the status and code it must get (code null: a normal answer
// with no error, e.g. a search that finds nothing, or an anonymous viewer).

export interface BadRequest {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  /** Sent as is when a string; JSON-encoded otherwise. */
  body?: unknown;
  /** Use the admin's token (fields that need one; otherwise anonymous). */
  asAdmin?: boolean;
  status: number;
  code: string | null;
}

// The GraphQL-over-HTTP media type: request errors answer 4xx (plain JSON clients get 200 for them).
const JSON_HEADERS = { "content-type": "application/json", accept: "application/graphql-response+json" };
const PLAIN_JSON_HEADERS = { "content-type": "application/json", accept: "application/json" };

/** Strings a client might send to break out of a query, a template, a path or a parser. */
export const INJECTIONS: readonly [string, string][] = [
  ["sql quote", "' OR '1'='1"],
  ["sql comment", "admin'--"],
  ["sql stacked", "1; DROP TABLE users; --"],
  ["sql union", "' UNION SELECT password_hash FROM users --"],
  ["nosql operator", '{"$ne": null}'],
  ["template", "{{7*7}}${7*7}"],
  ["jndi", "${jndi:ldap://127.0.0.1/a}"],
  ["html", "<script>alert(1)</script>"],
  ["path traversal", "../../../../etc/passwd"],
  ["prototype", "__proto__"],
  ["NUL byte", "abc\u0000def"],
  ["lone surrogate", "abc\ud800def"],
  ["rtl override", "\u202eevil"],
  ["emoji", "🔥💥"],
  ["over-long", "x".repeat(10_001)],
];

const gql = (query: string, variables?: Record<string, unknown>, extra: Partial<BadRequest> = {}): Omit<BadRequest, "name" | "status" | "code"> => ({
  headers: JSON_HEADERS,
  body: { query, ...(variables ? { variables } : {}) },
  ...extra,
});

function transport(): BadRequest[] {
  const post = (name: string, body: string, status: number, code: string | null, headers: Record<string, string> = JSON_HEADERS): BadRequest => ({ name, method: "POST", headers, body, status, code });
  return [
    post("JSON: unterminated object", "{", 400, "BAD_REQUEST"),
    post("JSON: unterminated string", '{"query": "{ viewer', 400, "BAD_REQUEST"),
    post("JSON: trailing garbage", '{"query": "{ __typename }"} xyz', 400, "BAD_REQUEST"),
    post("JSON: single quotes", "{'query': '{ __typename }'}", 400, "BAD_REQUEST"),
    post("JSON: empty body", "", 400, "BAD_REQUEST"),
    post("JSON: null", "null", 400, "BAD_REQUEST"),
    post("JSON: a number", "123", 400, "BAD_REQUEST"),
    post("JSON: a string", '"{ __typename }"', 400, "BAD_REQUEST"),
    post("JSON: true", "true", 400, "BAD_REQUEST"),
    post("JSON: empty object", "{}", 400, "BAD_REQUEST"),
    post("JSON: query is a number", '{"query": 1}', 400, "BAD_REQUEST"),
    post("JSON: query is null", '{"query": null}', 400, "BAD_REQUEST"),
    post("JSON: query is an object", '{"query": {"a": 1}}', 400, "BAD_REQUEST"),
    post("JSON: variables is a string", '{"query": "{ __typename }", "variables": "x"}', 400, "BAD_REQUEST"),
    post("JSON: variables is a list", '{"query": "{ __typename }", "variables": [1]}', 400, "BAD_REQUEST"),
    post("JSON: operationName is a number", '{"query": "{ __typename }", "operationName": 5}', 400, "OPERATION_RESOLUTION_FAILURE"),
    post("JSON: extensions is a string", '{"query": "{ __typename }", "extensions": "x"}', 400, "BAD_REQUEST"),
    // A request that is not well-formed is a 400 for a plain-JSON client too; only a well-formed
    // request's GraphQL errors (parse, validation) answer such a client 200.
    post("plain JSON: unterminated object", "{", 400, "BAD_REQUEST", PLAIN_JSON_HEADERS),
    post("plain JSON: empty body", "", 400, "BAD_REQUEST", PLAIN_JSON_HEADERS),
    post("plain JSON: empty object", "{}", 400, "BAD_REQUEST", PLAIN_JSON_HEADERS),
    post("plain JSON: variables is a string", '{"query": "{ __typename }", "variables": "x"}', 400, "BAD_REQUEST", PLAIN_JSON_HEADERS),
    post("plain JSON: a document that does not parse", '{"query": "{ viewer"}', 200, "GRAPHQL_PARSE_FAILED", PLAIN_JSON_HEADERS),
    post("plain JSON: a field that does not exist", '{"query": "{ nope }"}', 200, "GRAPHQL_VALIDATION_FAILED", PLAIN_JSON_HEADERS),
    post("JSON: NUL inside the document", '{"query": "{ __typename \\u0000 }"}', 400, "GRAPHQL_PARSE_FAILED"),
    post("JSON: an empty batch (nothing to run, nothing run)", "[]", 200, null),
    post("JSON: batch of non-objects (each item answered BAD_REQUEST)", "[1, 2]", 200, "BAD_REQUEST"),
    post("content type: text/plain (a simple request: CSRF)", '{"query": "{ __typename }"}', 403, "CSRF_REJECTED", { "content-type": "text/plain" }),
    post("content type: application/xml", "<query/>", 415, null, { "content-type": "application/xml" }),
    post("content type: octet-stream", '{"query": "{ __typename }"}', 415, null, { "content-type": "application/octet-stream" }),
    post("content type: form-urlencoded (a simple request: CSRF)", "query=%7B__typename%7D", 403, "CSRF_REJECTED", { "content-type": "application/x-www-form-urlencoded" }),
    post("content type: multipart (a simple request: CSRF)", "--x\r\n", 403, "CSRF_REJECTED", { "content-type": "multipart/form-data" }),
    post("content type: garbage", '{"query": "{ __typename }"}', 415, null, { "content-type": "\u00ff/\u00ff" }),
    { name: "method: PUT", method: "PUT", ...gql("{ __typename }"), status: 405, code: "BAD_REQUEST" },
    { name: "method: DELETE (no preflighted content type: CSRF)", method: "DELETE", path: "/graphql", status: 403, code: "CSRF_REJECTED" },
    { name: "method: PATCH", method: "PATCH", ...gql("{ __typename }"), status: 405, code: "BAD_REQUEST" },
    { name: "GET: a mutation (CSRF)", method: "GET", path: "/graphql?query=mutation%7BsignOut%7B__typename%7D%7D", headers: { accept: "application/json" }, status: 403, code: "CSRF_REJECTED" },
    { name: "GET: variables not JSON (CSRF first)", method: "GET", path: "/graphql?query=%7B__typename%7D&variables=%7B", headers: { accept: "application/json" }, status: 403, code: "CSRF_REJECTED" },
    { name: "GET: no query (CSRF first)", method: "GET", path: "/graphql?foo=bar", headers: { accept: "application/json" }, status: 403, code: "CSRF_REJECTED" },
  ];
}

function documents(): BadRequest[] {
  const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: health { status }`).join(" ");
  const directives = Array.from({ length: 200 }, () => "@include(if: true)").join(" ");
  const deep = `{ viewer { user { sessions { edges { node { user { sessions { edges { node { user { sessions { edges { node { id } } } } } } } } } } } } } }`;
  const fields = Array.from({ length: 400 }, () => "__typename").join(" ");
  const tokens = `{ ${"__typename ".repeat(5200)}}`;
  const spreads = `query { ...F0 } ${Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { health { status } ${i < 29 ? `...F${i + 1} ...F${i + 1}` : ""} }`).join(" ")}`;
  const batch = Array.from({ length: 50 }, () => ({ query: "{ __typename }" }));
  return [
    { name: "document: over the body limit", ...gql(`{ __typename } # ${"x".repeat(2 * 1024 * 1024)}`), status: 413, code: "PAYLOAD_TOO_LARGE" },
    { name: "document: does not parse", ...gql("{"), status: 400, code: "GRAPHQL_PARSE_FAILED" },
    { name: "document: unknown field", ...gql("{ nope }"), status: 400, code: "GRAPHQL_VALIDATION_FAILED" },
    { name: "document: too many tokens", ...gql(tokens), status: 400, code: "TOO_MANY_TOKENS" },
    { name: "document: over the document size limit", ...gql(`{ ${"__typename ".repeat(7000)} }`), status: 413, code: "PAYLOAD_TOO_LARGE" },
    { name: "bomb: aliases", ...gql(`{ ${aliases} }`), status: 400, code: "TOO_MANY_ALIASES" },
    { name: "bomb: directives", ...gql(`{ __typename ${directives} }`), status: 400, code: "TOO_MANY_DIRECTIVES" },
    { name: "bomb: depth", ...gql(deep), asAdmin: true, status: 200, code: "QUERY_TOO_DEEP" },
    { name: "bomb: fields", ...gql(`{ ${fields} }`), status: 400, code: "TOO_MANY_FIELDS" },
    { name: "bomb: fragment fan-out (2^30 selections)", ...gql(spreads), status: 200, code: "QUERY_TOO_COMPLEX" },
    { name: "bomb: fragment cycle", ...gql("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"), status: 400, code: "GRAPHQL_VALIDATION_FAILED" },
    { name: "bomb: batch flood", headers: JSON_HEADERS, body: batch, status: 413, code: "BATCH_TOO_LARGE" },
    { name: "document: two operations, no name", ...gql("query A { __typename } query B { __typename }"), status: 400, code: "OPERATION_RESOLUTION_FAILURE" },
    { name: "document: unknown operationName", headers: JSON_HEADERS, body: { query: "query A { __typename }", operationName: "B" }, status: 400, code: "OPERATION_RESOLUTION_FAILURE" },
    // A subscription may not select an introspection field at its root (GraphQL spec, single root field).
    { name: "document: subscription of __typename", ...gql("subscription { __typename }"), status: 400, code: "GRAPHQL_VALIDATION_FAILED" },
    // Streams are Server-Sent Events: asked for as JSON, a subscription is refused, not hung.
    { name: "document: subscription asked for as JSON", ...gql("subscription { viewerSessionEvents { kind } }"), asAdmin: true, status: 200, code: "OPERATION_NOT_SUPPORTED" },
  ];
}

function variableTypes(): BadRequest[] {
  const users = "query($n: Int) { users(first: $n) { edges { node { id } } } }";
  const status = "query($s: UserStatus) { users(filter: { status: $s }) { edges { node { id } } } }";
  const since = "query($d: DateTime) { auditIntegrity(since: $d) { checkedCount } }";
  const byId = "query($id: ID!) { user(id: $id) { id } }";
  const wrong: [string, string, unknown][] = [
    ["Int as string", users, "ten"],
    ["Int as float", users, 1.5],
    ["Int as boolean", users, true],
    ["Int as object", users, { n: 1 }],
    ["Int as list", users, [1]],
    ["Int beyond 32 bits", users, 2 ** 40],
    ["enum unknown", status, "SUPERUSER"],
    ["enum lower case", status, "active"],
    ["enum number", status, 1],
    ["DateTime garbage", since, "yesterday"],
    ["DateTime number", since, 12],
    ["DateTime month 13", since, "2024-13-01T00:00:00Z"],
    ["ID as object", byId, { id: "x" }],
    ["ID as boolean", byId, true],
    ["ID null for non-null", byId, null],
    ["ID as list", byId, ["a"]],
  ];
  const cases: BadRequest[] = wrong.map(([name, query, value]) => {
    const variable = query.includes("$n") ? "n" : query.includes("$s") ? "s" : query.includes("$d") ? "d" : "id";
    return { name: `variable: ${name}`, ...gql(query, { [variable]: value }), asAdmin: true, status: 400, code: "BAD_USER_INPUT" };
  });
  cases.push({ name: "variable: page size over the limit", ...gql(users, { n: 100_000 }), asAdmin: true, status: 200, code: "PAGE_SIZE_EXCEEDED" });
  cases.push({ name: "variable: negative page size", ...gql(users, { n: -1 }), asAdmin: true, status: 200, code: "PAGE_SIZE_EXCEEDED" });
  cases.push({ name: "variable: missing required", ...gql(byId, {}), asAdmin: true, status: 400, code: "BAD_USER_INPUT" });
  return cases;
}

/** Every String and ID argument of the queries, with each injection string. */
function injections(): BadRequest[] {
  const targets: { arg: string; query: string; variable: string; code: () => string | null }[] = [
    { arg: "user(id)", query: "query($v: ID!) { user(id: $v) { id } }", variable: "v", code: () => "INVALID_ID" },
    { arg: "session(id)", query: "query($v: ID!) { session(id: $v) { id } }", variable: "v", code: () => "INVALID_ID" },
    { arg: "node(id)", query: "query($v: ID!) { node(id: $v) { id } }", variable: "v", code: () => "INVALID_ID" },
    { arg: "users(after)", query: "query($v: String) { users(after: $v) { edges { node { id } } } }", variable: "v", code: () => "INVALID_CURSOR" },
    { arg: "auditEvents(after)", query: "query($v: String) { auditEvents(after: $v) { edges { node { id } } } }", variable: "v", code: () => "INVALID_CURSOR" },
    { arg: "users(filter.search)", query: "query($v: String) { users(filter: { search: $v }) { edges { node { id } } } }", variable: "v", code: () => null },
    { arg: "users(filter.roleKey)", query: "query($v: String) { users(filter: { roleKey: $v }) { edges { node { id } } } }", variable: "v", code: () => null },
    { arg: "auditEvents(filter.actorId)", query: "query($v: ID) { auditEvents(filter: { actorId: $v }) { edges { node { id } } } }", variable: "v", code: () => "INVALID_ID" },
  ];
  const out: BadRequest[] = [];
  for (const target of targets) {
    for (const [label, value] of INJECTIONS) {
      // NUL bytes and over-long strings never reach a resolver: the request is refused as a whole.
      const refused = value.includes("\u0000") || value.length > 10_000;
      out.push({
        name: `injection: ${target.arg} ← ${label}`,
        ...gql(target.query, { [target.variable]: value }),
        asAdmin: true,
        status: refused ? 400 : 200,
        code: refused ? "BAD_USER_INPUT" : target.code(),
      });
    }
  }
  return out;
}

function tokensAndHeaders(realToken: () => string): BadRequest[] {
  const viewer = (name: string, headers: Record<string, string>): BadRequest => ({ name, method: "POST", headers: { ...JSON_HEADERS, ...headers }, body: { query: "{ viewer { user { id } } }" }, status: 200, code: null });
  const [id = "", secret = ""] = realToken().split(".");
  const flip = (s: string): string => (s[0] === "A" ? "B" : "A") + s.slice(1);
  return [
    viewer("token: empty bearer", { authorization: "Bearer " }),
    viewer("token: no dot", { authorization: "Bearer abcdef" }),
    viewer("token: two dots", { authorization: `Bearer ${id}.${secret}.x` }),
    viewer("token: id not a uuid", { authorization: `Bearer nope.${secret}` }),
    viewer("token: unknown session", { authorization: `Bearer 00000000-0000-4000-8000-000000000000.${secret}` }),
    viewer("token: secret flipped", { authorization: `Bearer ${id}.${flip(secret)}` }),
    viewer("token: secret truncated", { authorization: `Bearer ${id}.${secret.slice(0, -2)}` }),
    viewer("token: secret padded", { authorization: `Bearer ${id}.${secret}==` }),
    viewer("token: secret with NUL", { authorization: `Bearer ${id}.${secret.slice(0, 5)}%00` }),
    viewer("token: very long", { authorization: `Bearer ${id}.${"A".repeat(8000)}` }),
    viewer("token: Basic scheme", { authorization: `Basic ${Buffer.from("admin:admin").toString("base64")}` }),
    viewer("token: lower-case scheme and spaces", { authorization: `bearer    ${id}.${flip(secret)}` }),
    viewer("token: SQL in the id", { authorization: `Bearer ' OR 1=1 --.${secret}` }),
    viewer("cookie: garbage session cookie", { cookie: "__Host-authgraph_session=%%%garbage" }),
    viewer("cookie: tampered session cookie", { cookie: `__Host-authgraph_session=${id}.${flip(secret)}` }),
    viewer("header: request id with control characters", { "x-request-id": "abc\tdef" }),
    viewer("header: request id very long", { "x-request-id": "r".repeat(5000) }),
    viewer("header: forwarded-for garbage", { "x-forwarded-for": "999.999.1.1, <script>" }),
    viewer("header: user agent injection", { "user-agent": "' OR 1=1; DROP TABLE sessions; --" }),
    { name: "header: origin not allowed with a cookie", method: "POST", headers: { ...JSON_HEADERS, origin: "https://evil.example", cookie: `__Host-authgraph_session=${id}.${secret}` }, body: { query: "mutation { signOut { __typename } }" }, status: 403, code: "CSRF_REJECTED" },
  ];
}

export function corpus(realToken: () => string): BadRequest[] {
  return [...transport(), ...documents(), ...variableTypes(), ...injections(), ...tokensAndHeaders(realToken)];
}
