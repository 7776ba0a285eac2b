// The generated client against a live HTTP server: client/example.ts run as a script, and the
// wrapper's typed results and errors.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuditIntegrityDocument,
  AuditPageDocument,
  GrantRoleDocument,
  GraphQLRequestError,
  HealthDocument,
  MySessionsDocument,
  RefreshSessionDocument,
  RevokeRoleDocument,
  RevokeSessionDocument,
  RolesDocument,
  SetRolePermissionsDocument,
  SignInDocument,
  SignOutDocument,
  SignUpDocument,
  UsersPageDocument,
  ViewerDocument,
  createClient,
} from "../../client/index.js";
import type { Client } from "../../client/index.js";
import { runExample } from "../../client/example.js";
import { persistedHash, possibleTypes } from "../../client/index.js";
import { buildSchema, isAbstractType, isObjectType, Kind } from "graphql";
import { readFileSync } from "node:fs";
import { TEST_ADMIN } from "../helpers/pg.js";
import { startServer } from "../helpers/server.js";
import type { TestServer } from "../helpers/server.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

function runScript(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "client/example.ts"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.once("exit", (code) => resolve({ code, out }));
  });
}

describe("client/example.ts", () => {
  it("signs in, reads the viewer, lists sessions and signs out against a live server", async () => {
    const { code, out } = await runScript({ AUTHGRAPH_URL: `${server.url}/graphql`, AUTHGRAPH_EMAIL: TEST_ADMIN.email, AUTHGRAPH_PASSWORD: TEST_ADMIN.password });
    expect(out).toContain(`signed in as ${TEST_ADMIN.email}`);
    expect(out).toMatch(/viewer \S+: admin@test\.local, roles: .*admin/);
    expect(out).toMatch(/session \S+ \(this one\)/);
    expect(out).toContain("signed out");
    expect(code).toBe(0);
  });

  it("exits 1 with the server's reason on bad credentials", async () => {
    const { code, out } = await runScript({ AUTHGRAPH_URL: `${server.url}/graphql`, AUTHGRAPH_EMAIL: TEST_ADMIN.email, AUTHGRAPH_PASSWORD: "not-the-password" });
    expect(out).toContain("INVALID_CREDENTIALS");
    expect(code).toBe(1);
  });
});

describe("generated documents and type map", () => {
  it("are parsed documents carrying their trusted-document hash", () => {
    expect(ViewerDocument.kind).toBe(Kind.DOCUMENT);
    expect(ViewerDocument.definitions.map((d) => d.kind)).toContain(Kind.OPERATION_DEFINITION);
    expect(persistedHash(ViewerDocument)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("possibleTypes lists, for every union and interface of schema.graphql, exactly its object types", () => {
    const schema = buildSchema(readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8"));
    const expected = Object.fromEntries(
      Object.values(schema.getTypeMap())
        .filter(isAbstractType)
        .filter((t) => !t.name.startsWith("__"))
        .map((t) => [t.name, schema.getPossibleTypes(t).filter(isObjectType).map((o) => o.name).sort()]),
    );
    expect(Object.fromEntries(Object.entries(possibleTypes).map(([k, v]) => [k, [...v].sort()]))).toEqual(expected);
    expect(possibleTypes.Error).toContain("InvalidCredentialsError");
    expect(possibleTypes.Node).toContain("Session");
  });
});

describe("typed client", () => {
  it("returns typed data and keeps the token for later requests", async () => {
    const client = createClient({ url: `${server.url}/graphql` });
    const { health } = await client.request(HealthDocument);
    expect(health.status).toBe("OK");

    const { signIn } = await client.request(SignInDocument, { input: { email: TEST_ADMIN.email, password: TEST_ADMIN.password } });
    expect(signIn.__typename).toBe("SignInSuccess");
    if (signIn.__typename !== "SignInSuccess") return;
    client.setToken(signIn.token);
    const { viewer } = await client.request(ViewerDocument);
    expect(viewer?.user.email).toBe(TEST_ADMIN.email);
    expect(viewer?.id).toEqual(expect.any(String));
    expect(viewer?.session.current).toBe(true);

    // Same steps through the example's function, with its output captured.
    const printed: string[] = [];
    await runExample({ url: `${server.url}/graphql`, email: TEST_ADMIN.email, password: TEST_ADMIN.password, print: (l) => printed.push(l) });
    expect(printed.at(-1)).toBe("signed out");
  });

  it("rejects with GraphQLRequestError carrying the code and the request id", async () => {
    const anonymous = createClient({ url: `${server.url}/graphql` });
    const error = await anonymous.request(UsersPageDocument, { first: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    const e = error as GraphQLRequestError;
    expect(e.code).toBe("UNAUTHENTICATED");
    expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.errors[0]?.extensions?.requestId).toBe(e.requestId);
  });

  it("covers the member and admin flows with the generated operations", async () => {
    const url = `${server.url}/graphql`;
    const member = createClient({ url });
    const email = `client-${Date.now()}@test.local`;
    const { signUp } = await member.request(SignUpDocument, { input: { email, password: "member-password-123", name: "Client Test" } });
    if (signUp.__typename !== "SignInSuccess") throw new Error(`sign-up: ${signUp.__typename}`);
    member.setToken(signUp.token);
    const { refreshSession } = await member.request(RefreshSessionDocument);
    expect(refreshSession.__typename).toBe("Session");

    // A second session of the same member, revoked from the first.
    const other = createClient({ url });
    const { signIn: second } = await other.request(SignInDocument, { input: { email, password: "member-password-123" } });
    if (second.__typename !== "SignInSuccess") throw new Error(`sign-in: ${second.__typename}`);
    const mine = await member.request(MySessionsDocument, { first: 10, activeOnly: true });
    expect(mine.viewer?.user.sessions.edges).toHaveLength(2);
    const { revokeSession } = await member.request(RevokeSessionDocument, { id: second.session.id });
    expect(revokeSession.__typename).toBe("Session");

    const admin = await signedIn(url, TEST_ADMIN.email, TEST_ADMIN.password);
    const page = await admin.request(UsersPageDocument, { first: 50, filter: { search: "client-" } });
    const target = page.users.edges.find((e) => e.node.email === email)?.node;
    expect(target?.roles.map((r) => r.key)).toEqual(["member"]);

    const { roles } = await admin.request(RolesDocument);
    const adminRole = roles.find((r) => r.key === "admin");
    expect(adminRole).toBeDefined();
    const granted = await admin.request(GrantRoleDocument, { userId: String(target?.id), roleKey: "admin" });
    expect(granted.grantRole.__typename).toBe("User");
    const revoked = await admin.request(RevokeRoleDocument, { userId: String(target?.id), roleKey: "admin" });
    expect(revoked.revokeRole.__typename).toBe("User");

    const memberRole = roles.find((r) => r.key === "member");
    const keys = memberRole?.permissions.map((p) => p.key) ?? [];
    const set = await admin.request(SetRolePermissionsDocument, { roleId: String(memberRole?.id), permissionKeys: keys });
    expect(set.setRolePermissions.__typename).toBe("Role");

    const audit = await admin.request(AuditPageDocument, { first: 20, filter: { types: ["ROLE_GRANTED", "ROLE_REVOKED"] } });
    expect(audit.auditEvents.edges.map((e) => e.node.type)).toEqual(expect.arrayContaining(["ROLE_GRANTED", "ROLE_REVOKED"]));
    const integrity = await admin.request(AuditIntegrityDocument, {});
    expect(integrity.auditIntegrity.ok).toBe(true);

    const { signOut } = await member.request(SignOutDocument);
    expect(signOut.__typename).toBe("SignOutSuccess");
  });
});

async function signedIn(url: string, email: string, password: string): Promise<Client> {
  const client = createClient({ url });
  const { signIn } = await client.request(SignInDocument, { input: { email, password } });
  if (signIn.__typename !== "SignInSuccess") throw new Error(`sign-in: ${signIn.__typename}`);
  client.setToken(signIn.token);
  return client;
}
