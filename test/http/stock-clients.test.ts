// The generated documents with the three most used GraphQL clients, unmodified, against a real gateway
// process: Apollo Client (InMemoryCache with relay-style pagination and the generated possibleTypes),
// urql and graphql-request each run the public flows — sign-up, sign-in, viewer, sessions (paged),
// revoke, sign-out, the users page with nested roles, the audit page — and Apollo logs no warning.
// graphql-sse, the reference client of the SSE protocol, follows a live stream to its end.
import { randomBytes } from "node:crypto";
import { Client as UrqlClient, cacheExchange, fetchExchange } from "@urql/core";
import { GraphQLClient } from "graphql-request";
import { createClient as createSseClient } from "graphql-sse";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  AuditPageDocument,
  MySessionsDocument,
  RevokeSessionDocument,
  SignInDocument,
  SignOutDocument,
  SignUpDocument,
  UsersPageDocument,
  ViewerDocument,
  persistedHash,
  possibleTypes,
} from "../../client/index.js";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import type { DocumentNode } from "graphql";
import { TEST_ADMIN } from "../helpers/pg.js";
import { startServer } from "../helpers/server.js";
import type { TestServer } from "../helpers/server.js";

// Apollo reports cache problems only in development builds; Node resolves its production-neutral
// build, which reads this flag when it loads.
Object.assign(globalThis, { __DEV__: true });
const apollo = await import("@apollo/client");
const { relayStylePagination } = await import("@apollo/client/utilities");
const { SetContextLink } = await import("@apollo/client/link/context");
const { PersistedQueryLink } = await import("@apollo/client/link/persisted-queries");

let server: TestServer;
let url: string;

beforeAll(async () => {
  server = await startServer();
  url = `${server.url}/graphql`;
});
afterAll(async () => {
  await server?.close();
});

/** Runs a typed document with one client as one identity; the three clients implement it. */
type Run = <R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables: V, token?: string | null) => Promise<R>;

const PASSWORD = "stock-client-password";

/** The public flows, the same for every client. */
async function flows(run: Run, label: string): Promise<void> {
  const email = `${label}-${randomBytes(4).toString("hex")}@test.local`;

  const { signUp } = await run(SignUpDocument, { input: { email, password: PASSWORD, name: label } });
  if (signUp.__typename !== "SignInSuccess" || !signUp.token) throw new Error(`sign-up: ${JSON.stringify(signUp)}`);
  const token = signUp.token;

  const { signIn } = await run(SignInDocument, { input: { email, password: PASSWORD } });
  if (signIn.__typename !== "SignInSuccess" || !signIn.token) throw new Error(`sign-in: ${JSON.stringify(signIn)}`);
  const second = signIn.session.id;
  const { signIn: wrong } = await run(SignInDocument, { input: { email, password: "not-the-password" } });
  expect(wrong).toMatchObject({ __typename: "InvalidCredentialsError", code: "INVALID_CREDENTIALS" });

  const { viewer } = await run(ViewerDocument, {}, token);
  expect(viewer).toMatchObject({ id: expect.any(String), user: { email, roles: [{ key: "member" }] }, session: { current: true } });

  // Both sessions, one per page.
  const page1 = await run(MySessionsDocument, { first: 1, activeOnly: true }, token);
  const after = page1.viewer?.user.sessions.pageInfo.endCursor ?? null;
  expect(page1.viewer?.user.sessions.pageInfo.hasNextPage).toBe(true);
  const page2 = await run(MySessionsDocument, { first: 1, after, activeOnly: true }, token);
  const ids = [...(page1.viewer?.user.sessions.edges ?? []), ...(page2.viewer?.user.sessions.edges ?? [])].map((e) => e.node.id);
  expect(new Set(ids)).toEqual(new Set([viewer?.session.id, second]));

  const { revokeSession } = await run(RevokeSessionDocument, { id: second }, token);
  expect(revokeSession).toMatchObject({ __typename: "Session", id: second, active: false });

  const { signIn: admin } = await run(SignInDocument, { input: { email: TEST_ADMIN.email, password: TEST_ADMIN.password } });
  if (admin.__typename !== "SignInSuccess" || !admin.token) throw new Error(`admin sign-in failed: ${JSON.stringify(admin)}`);
  const users = await run(UsersPageDocument, { first: 5, filter: { search: label } }, admin.token);
  expect(users.users.edges.find((e) => e.node.email === email)?.node.roles).toEqual([expect.objectContaining({ key: "member" })]);
  const audit = await run(AuditPageDocument, { first: 10, filter: { types: ["SESSION_REVOKED", "SIGN_UP"] } }, admin.token);
  const mine = audit.auditEvents.edges.filter((e) => e.node.subject?.email === email).map((e) => e.node.type);
  expect(mine).toEqual(expect.arrayContaining(["SESSION_REVOKED", "SIGN_UP"]));

  const { signOut } = await run(SignOutDocument, {}, token);
  expect(signOut).toEqual({ __typename: "SignOutSuccess", ok: true });
  expect((await run(ViewerDocument, {}, token)).viewer).toBeNull();
}

function apolloClient(withPossibleTypes: boolean) {
  let token: string | null = null;
  const cache = new apollo.InMemoryCache({
    ...(withPossibleTypes ? { possibleTypes } : {}),
    typePolicies: {
      Query: { fields: { users: relayStylePagination(["filter"]), auditEvents: relayStylePagination(["filter"]) } },
      User: { fields: { sessions: relayStylePagination(["activeOnly"]) } },
    },
  });
  const auth = new SetContextLink((context) => ({ headers: { ...context.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } }));
  const client = new apollo.ApolloClient({ cache, link: auth.concat(new apollo.HttpLink({ uri: url })) });
  const run: Run = async (document, variables, as = null) => {
    token = as;
    const isMutation = document.definitions.some((d) => d.kind === "OperationDefinition" && d.operation === "mutation");
    const result = isMutation
      ? await client.mutate({ mutation: document, variables })
      : await client.query({ query: document, variables, fetchPolicy: "network-only" });
    if (!result.data) throw new Error(`no data: ${String(result.error)}`);
    return result.data;
  };
  return { client, run };
}

describe("Apollo Client (InMemoryCache, relayStylePagination, generated possibleTypes)", () => {
  it("runs the public flows with no cache warning", async () => {
    const warnings = [vi.spyOn(console, "warn"), vi.spyOn(console, "error"), vi.spyOn(console, "debug")];
    try {
      const { client, run } = apolloClient(true);
      await flows(run, "apollo");
      // The viewer is one normalised object: reading the Viewer query back from the cache after
      // MySessions replaced `viewer` still finds its session.
      const member = `apollo-cache-${randomBytes(3).toString("hex")}@test.local`;
      const { signUp } = await run(SignUpDocument, { input: { email: member, password: PASSWORD } });
      if (signUp.__typename !== "SignInSuccess") throw new Error("sign-up failed");
      await run(ViewerDocument, {}, signUp.token);
      await run(MySessionsDocument, { first: 5 }, signUp.token);
      expect(client.cache.readQuery({ query: ViewerDocument })?.viewer?.session.current).toBe(true);
      // Relay-style pagination merged both pages of the users list into one.
      const { signIn } = await run(SignInDocument, { input: { email: TEST_ADMIN.email, password: TEST_ADMIN.password } });
      if (signIn.__typename !== "SignInSuccess" || !signIn.token) throw new Error("admin sign-in failed");
      const adminToken = signIn.token;
      const first = await client.query({ query: UsersPageDocument, variables: { first: 1 }, context: { headers: { authorization: `Bearer ${adminToken}` } } });
      const more = await client.query({
        query: UsersPageDocument,
        variables: { first: 1, after: first.data?.users.pageInfo.endCursor },
        // The merged list already satisfies any `after` from the cache; the next page is on the server.
        fetchPolicy: "network-only",
        context: { headers: { authorization: `Bearer ${adminToken}` } },
      });
      const merged = more.data?.users.edges.map((e) => e.node.id) ?? [];
      expect(merged).toHaveLength(2);
      expect(merged[0]).toBe(first.data?.users.edges[0]?.node.id);
      expect(new Set(merged).size).toBe(2);
      expect(client.cache.readQuery({ query: UsersPageDocument, variables: { first: 1 } })?.users.edges).toHaveLength(2);
      expect(warnings.flatMap((w) => w.mock.calls)).toEqual([]);
    } finally {
      for (const w of warnings) w.mockRestore();
    }
  });

  it("warns without the generated possibleTypes (what the map fixes)", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const { run } = apolloClient(false);
      await run(SignInDocument, { input: { email: "nobody@test.local", password: "not-the-password" } });
      expect(warn.mock.calls.length).toBeGreaterThan(0);
    } finally {
      warn.mockRestore();
    }
  });
});

/** Per-operation fetchOptions replace the client's, so the client's headers are repeated here. */
describe("Apollo Client against PERSISTED_OPERATIONS=only (production's default)", () => {
  let only: TestServer;
  beforeAll(async () => {
    only = await startServer({ env: { PERSISTED_OPERATIONS: "only" } });
  });
  afterAll(async () => {
    await only?.close();
  });

  it("runs the generated operations by id through its persisted-query link, with no cache warning", async () => {
    const warnings = [vi.spyOn(console, "warn"), vi.spyOn(console, "error")];
    try {
      const generateHash = (document: DocumentNode): string => {
        const hash = persistedHash(document);
        if (!hash) throw new Error("not a generated document");
        return hash;
      };
      const client = new apollo.ApolloClient({
        cache: new apollo.InMemoryCache({ possibleTypes }),
        link: new PersistedQueryLink({ generateHash }).concat(new apollo.HttpLink({ uri: `${only.url}/graphql` })),
      });
      const signIn = await client.mutate({ mutation: SignInDocument, variables: { input: { email: TEST_ADMIN.email, password: TEST_ADMIN.password } } });
      expect(signIn.data?.signIn.__typename).toBe("SignInSuccess");
      const viewer = await client.query({ query: ViewerDocument, fetchPolicy: "network-only" });
      expect(viewer.data?.viewer).toBeNull();
      expect(warnings.flatMap((w) => w.mock.calls)).toEqual([]);
    } finally {
      for (const w of warnings) w.mockRestore();
    }
  });

  it("a document that is not in the manifest is refused with PERSISTED_QUERY_ONLY", async () => {
    const client = new apollo.ApolloClient({ cache: new apollo.InMemoryCache(), link: new apollo.HttpLink({ uri: `${only.url}/graphql` }) });
    const error = await client.query({ query: apollo.gql("{ health { status } }") }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/trusted documents/);
  });
});

function urqlRun(client: UrqlClient, headers: Record<string, string> = {}): Run {
  return async (document, variables, token = null) => {
    const all: Record<string, string> = token ? { ...headers, authorization: `Bearer ${token}` } : headers;
    const context = { fetchOptions: { headers: all }, requestPolicy: "network-only" as const };
    const isMutation = document.definitions.some((d) => d.kind === "OperationDefinition" && d.operation === "mutation");
    const result = isMutation ? await client.mutation(document, variables, context).toPromise() : await client.query(document, variables, context).toPromise();
    if (result.error || !result.data) throw new Error(`urql: ${result.error?.message ?? "no data"}`);
    return result.data;
  };
}

describe("urql (@urql/core)", () => {
  it("with its default GET for queries, runs the public flows when it sends the CSRF header", async () => {
    const csrf = { "x-graphql-csrf": "1" };
    const client = new UrqlClient({ url, exchanges: [cacheExchange, fetchExchange], fetchOptions: { headers: csrf } });
    await flows(urqlRun(client, csrf), "urql");
  });

  it("with POST for everything (preferGetMethod: false), runs them without it", async () => {
    const client = new UrqlClient({ url, exchanges: [cacheExchange, fetchExchange], preferGetMethod: false });
    await flows(urqlRun(client), "urqlpost");
  });

  it("its default GET without the header is refused with CSRF_REJECTED, as the README says", async () => {
    const client = new UrqlClient({ url, exchanges: [cacheExchange, fetchExchange] });
    const result = await client.query(ViewerDocument, {}).toPromise();
    expect(result.error?.response?.status).toBe(403);
    expect(result.error?.graphQLErrors[0]?.extensions.code).toBe("CSRF_REJECTED");
  });
});

function graphqlRequestRun(options: { method?: "GET" | "POST"; headers?: Record<string, string> } = {}): Run {
  return async <R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables: V, token: string | null = null): Promise<R> => {
    const isMutation = document.definitions.some((d) => d.kind === "OperationDefinition" && d.operation === "mutation");
    // Mutations are POST in any case (the gateway refuses them over GET).
    const client = new GraphQLClient(url, {
      method: isMutation ? "POST" : (options.method ?? "POST"),
      headers: { ...options.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    // The generated document object itself; typed as a plain DocumentNode because graphql-request's
    // variables type is a conditional type TypeScript cannot resolve for a generic V.
    const parsed: DocumentNode = document;
    return client.request<R>(parsed, variables);
  };
}

describe("graphql-request", () => {
  it("runs the public flows over POST", async () => {
    await flows(graphqlRequestRun(), "gqlreq");
  });

  it("runs them with GET queries when it sends the CSRF header", async () => {
    await flows(graphqlRequestRun({ method: "GET", headers: { "x-graphql-csrf": "1" } }), "gqlget");
  });
});

describe("graphql-sse (distinct connections, its default mode)", () => {
  it("streams viewerSessionEvents: signing out elsewhere gives one REVOKED event, then the stream completes", async () => {
    const run = graphqlRequestRun();
    const email = `sse-${randomBytes(4).toString("hex")}@test.local`;
    const { signUp } = await run(SignUpDocument, { input: { email, password: PASSWORD, name: "sse" } });
    if (signUp.__typename !== "SignInSuccess" || !signUp.token) throw new Error(`sign-up: ${JSON.stringify(signUp)}`);
    const token = signUp.token;
    const client = createSseClient({ url, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    try {
      const received: unknown[] = [];
      const stream = (async () => {
        for await (const result of client.iterate({ query: "subscription { viewerSessionEvents { kind reason } }" })) received.push(result);
      })();
      const open = () => fetch(`${server.url}/metrics`).then((r) => r.text());
      await expect.poll(async () => (await open()).includes('authgraph_live_streams{field="viewerSessionEvents"} 1')).toBe(true);

      expect((await run(SignOutDocument, {}, token)).signOut).toEqual({ __typename: "SignOutSuccess", ok: true });
      // The iterator ends only when the server completes the stream.
      await stream;
      expect(received).toEqual([{ data: { viewerSessionEvents: { kind: "REVOKED", reason: "signed_out" } } }]);
    } finally {
      client.dispose();
    }
  });
});
