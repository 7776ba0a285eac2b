// The generated client against a live HTTP server: client/example.ts run as a script, and the
// wrapper's typed results and errors.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphQLRequestError, HealthDocument, SignInDocument, UsersPageDocument, ViewerDocument, createClient } from "../client/index.js";
import { runExample } from "../client/example.js";
import { TEST_ADMIN } from "./helpers/pg.js";
import { startServer } from "./helpers/server.js";
import type { TestServer } from "./helpers/server.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
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
    expect(out).toMatch(/viewer: admin@test\.local, roles: .*admin/);
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
});
