// A database failure must reach the client as "Internal server error" + a request id and nothing
// else, while the log keeps the detail under the same request id.
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { createLogger } from "../../src/observability/log.js";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { TEST_ADMIN } from "../helpers/pg.js";

interface Body {
  data?: unknown;
  errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[];
}

const lines: string[] = [];
const test = instanceTest({ log: createLogger({ LOG_LEVEL: "debug" }, { write: (line: string) => void lines.push(line) }) });

async function send(t: TestInstance, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ text: string; body: Body; requestId: string }> {
  const res = await t.yoga.fetch("http://authgraph.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { text, body: JSON.parse(text) as Body, requestId: res.headers.get("x-request-id") ?? "" };
}

function logEntries(requestId: string): Record<string, unknown>[] {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.requestId === requestId);
}

// Words that would betray the database, the ORM or a stack trace.
const LEAKS = /audit_events|sessions|prisma|postgres|relation|does not exist|SELECT|INSERT|\bat \w+ \(|\.ts:\d+/i;

describe("masked internal errors", () => {
  test("a failing statement in a resolver: generic message + request id to the client, detail in the log", async ({ t }) => {
    await t.db.$executeRawUnsafe('ALTER TABLE audit_events RENAME TO audit_events_moved');
    try {
      const r = await send(t,
        "mutation($input: SignInInput!) { signIn(input: $input) { __typename ... on SignInSuccess { token } } }",
        { input: { email: TEST_ADMIN.email, password: TEST_ADMIN.password } },
      );
      expect(r.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.body.errors).toHaveLength(1);
      const [error] = r.body.errors ?? [];
      expect(error?.message).toBe("Internal server error");
      expect(error?.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", requestId: r.requestId });
      expect(r.text).not.toMatch(LEAKS);

      const logged = logEntries(r.requestId).filter((e) => e.msg === "internal error");
      expect(logged).toHaveLength(1);
      expect(logged[0]?.level).toBe("error");
      expect(JSON.stringify(logged[0]?.err)).toMatch(/audit_events/);
      expect(logged[0]?.path).toEqual(["signIn"]);
    } finally {
      await t.db.$executeRawUnsafe('ALTER TABLE audit_events_moved RENAME TO audit_events');
    }
  });

  test("a failure while building the context (viewer lookup) is masked the same way", async ({ t }) => {
    await t.db.$executeRawUnsafe('ALTER TABLE sessions RENAME TO sessions_moved');
    try {
      // A token for a session no cache has seen, so the lookup must reach the (broken) table.
      const token = `${randomUUID()}.${randomBytes(32).toString("base64url")}`;
      const before = lines.length;
      const r = await send(t, "{ viewer { user { id } } }", {}, { authorization: `Bearer ${token}`, "x-request-id": "ctx-failure-0001" });
      expect(r.requestId).toBe("ctx-failure-0001");
      expect(r.body.errors?.map((e) => e.message)).toEqual(["Internal server error"]);
      expect(r.body.errors?.[0]?.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", requestId: "ctx-failure-0001" });
      expect(JSON.stringify(logEntries("ctx-failure-0001").find((e) => e.msg === "internal error")?.err)).toMatch(/sessions/);
      // Logged once, with the request id (Yoga would log it again without one).
      const errorLines = lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.level === "error");
      expect(errorLines.map((e) => e.requestId)).toEqual(["ctx-failure-0001"]);
      expect(r.text).not.toMatch(LEAKS);
    } finally {
      await t.db.$executeRawUnsafe('ALTER TABLE sessions_moved RENAME TO sessions');
    }
  });

  test("expected errors keep their registry code and message", async ({ t }) => {
    // A malformed global id: ids are decoded before authorization, so even anonymously it is INVALID_ID.
    const r = await send(t, "{ user(id: \"VXNlcjpub3BlOm5vcGU=\") { id } }", {});
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors?.[0]?.extensions).toEqual({ code: "INVALID_ID", requestId: r.requestId });
    expect(r.body.errors?.[0]?.message).not.toBe("Internal server error");
  });
});
