// Over 200 bad requests over real HTTP against the real entry point (bad-input-corpus.ts): each gets
// its specific status and code, none a 5xx or INTERNAL_SERVER_ERROR, no response carries internal
// text (SQL, Prisma, stack frames, paths), and the database is exactly as it was before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asSuperuser } from "../helpers/instance.js";
import { startServer } from "../helpers/server.js";
import type { TestServer } from "../helpers/server.js";
import { corpus } from "./bad-input-corpus.js";
import type { BadRequest } from "./bad-input-corpus.js";

const INTERNAL_TEXT = /prisma|\bSQL\b|syntax error at|relation "|\bat [^\n]*:\d+:\d+|node_modules|\/work\/|\.ts:\d|Internal server error/i;
// SQL as Prisma and PostgreSQL print it (upper case), so that "must not select …" in a spec message is not taken for it.
const SQL_TEXT = /\bSELECT |\bINSERT |\bUPDATE "|\bDELETE FROM/;

let server: TestServer;
let token = "";
let before: string;

/** Row counts of every table: the corpus must change none. */
async function snapshot(): Promise<string> {
  return asSuperuser({ databaseName: server.databaseName }, async (client) => {
    const tables = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1");
    const counts: string[] = [];
    for (const { tablename } of tables.rows) {
      const r = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${tablename}"`);
      counts.push(`${tablename}=${r.rows[0]?.n}`);
    }
    return counts.join(" ");
  });
}

beforeAll(async () => {
  server = await startServer({ env: { LOG_LEVEL: "warn", GRAPHQL_MAX_BATCH: "10" } });
  const res = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: 'mutation { signIn(input: { email: "admin@test.local", password: "admin-password-123" }) { ... on SignInSuccess { token } } }' }),
  });
  token = ((await res.json()) as { data: { signIn: { token: string } } }).data.signIn.token;
  before = await snapshot();
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const cases = corpus(() => token);

interface Outcome {
  status: number;
  code: string | null;
  text: string;
}

async function send(c: BadRequest): Promise<Outcome> {
  const headers: Record<string, string> = { ...c.headers };
  if (c.asAdmin) headers.authorization = `Bearer ${token}`;
  const method = c.method ?? "POST";
  const body = method === "GET" || method === "DELETE" ? undefined : typeof c.body === "string" ? c.body : JSON.stringify(c.body);
  const res = await fetch(`${server.url}${c.path ?? "/graphql"}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let code: string | null = null;
  try {
    const parsed = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] } | { errors?: { extensions?: { code?: string } }[] }[];
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    code = first?.errors?.[0]?.extensions?.code ?? null;
  } catch {
    // Yoga's 415 has an empty body; anything else that is not JSON fails the code check.
    code = text === "" ? null : "(not JSON)";
  }
  return { status: res.status, code, text };
}

describe("bad-input corpus over real HTTP", () => {
  it("has at least 200 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
  });

  it.for(cases.map((c) => [c.name, c] as const))("%s", async ([, c]) => {
    const outcome = await send(c);
    expect({ status: outcome.status, code: outcome.code }).toEqual({ status: c.status, code: c.code });
    expect(outcome.status).toBeLessThan(500);
    expect(outcome.text).not.toMatch(INTERNAL_TEXT);
    expect(outcome.text).not.toMatch(SQL_TEXT);
  });

  it("left the database exactly as it was", async () => {
    expect(await snapshot()).toBe(before);
  });
});
