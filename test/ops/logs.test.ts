// The JSON log of a whole session lifecycle, captured at the most verbose level, must carry request
// ids and never a password, a token, its secret or a hash.
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/log.js";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";

interface Body {
  data?: Record<string, Record<string, unknown> | null> | null;
  errors?: { message: string }[];
}

const lines: string[] = [];
const test = instanceTest({ log: createLogger({ LOG_LEVEL: "trace" }, { write: (line: string) => void lines.push(line) }) });

async function call(t: TestInstance, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<{ body: Body; requestId: string }> {
  const res = await t.yoga.fetch("http://authgraph.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { body: (await res.json()) as Body, requestId: res.headers.get("x-request-id") ?? "" };
}

describe("structured logs", () => {
  test("a sign-up / sign-in / viewer / refresh / sign-out flow logs request ids and no secrets", async ({ t }) => {
    const email = `log-${Date.now()}@test.local`;
    const password = "Very-Secret-Passw0rd-xyz";
    const wrong = "Wrong-Guess-Passw0rd-abc";
    const newPassword = "Another-Secret-Passw0rd-qrs";
    const tokens: string[] = [];
    const ids: string[] = [];
    const success = "__typename ... on SignInSuccess { token session { id } user { id email } } ... on Error { code message }";

    const up = await call(t, `mutation($input: SignUpInput!) { signUp(input: $input) { ${success} } }`, { input: { email, password, name: "Log Test" } });
    expect(up.body.data?.signUp?.__typename).toBe("SignInSuccess");
    tokens.push(String(up.body.data?.signUp?.token));
    ids.push(up.requestId);

    const bad = await call(t, `mutation($input: SignInInput!) { signIn(input: $input) { ${success} } }`, { input: { email, password: wrong } });
    expect(bad.body.data?.signIn?.__typename).toBe("InvalidCredentialsError");

    const inn = await call(t, `mutation($input: SignInInput!) { signIn(input: $input) { ${success} } }`, { input: { email, password } });
    expect(inn.body.data?.signIn?.__typename).toBe("SignInSuccess");
    const token = String(inn.body.data?.signIn?.token);
    tokens.push(token);
    ids.push(inn.requestId);

    const viewer = await call(t, "{ viewer { user { email } session { id } } }", {}, token);
    expect(viewer.body.data?.viewer).not.toBeNull();
    ids.push(viewer.requestId);
    await call(t, "mutation { refreshSession { __typename } }", {}, token);
    await call(t, "{ viewer { user { sessions(first: 5) { edges { node { id current } } } } } }", {}, token);
    const changed = await call(t,
      "mutation($input: ChangePasswordInput!) { changePassword(input: $input) { __typename } }",
      { input: { currentPassword: password, newPassword } },
      token,
    );
    expect(changed.body.data?.changePassword?.__typename).toBe("ChangePasswordSuccess");
    const out = await call(t, "mutation { signOut { __typename } }", {}, token);
    expect(out.body.data?.signOut?.__typename).toBe("SignOutSuccess");
    // A revoked token presented again.
    await call(t, "{ viewer { user { id } } }", {}, token);

    const log = lines.join("");
    expect(lines.length).toBeGreaterThan(5);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const id of ids) expect(entries.some((e) => e.requestId === id && e.msg === "graphql request")).toBe(true);

    for (const secret of [password, wrong, newPassword]) expect(log).not.toContain(secret);
    for (const tk of tokens) {
      const [sessionId, secret] = tk.split(".");
      expect(secret && secret.length > 20).toBe(true);
      expect(log).not.toContain(tk);
      expect(log).not.toContain(String(secret));
      // The session id alone is not a secret, but it must never appear glued to its secret.
      expect(log).not.toContain(`${sessionId}.`);
    }
    expect(log).not.toMatch(/\b[0-9a-f]{64}\b/i); // sha-256 token hashes, audit chain hashes
    expect(log).not.toMatch(/\$argon2/); // password hashes
    expect(log.toLowerCase()).not.toContain("bearer ");
  });

  it("scrubs token- and hash-shaped text out of logged errors", () => {
    const captured: string[] = [];
    const log = createLogger({ LOG_LEVEL: "info" }, { write: (line: string) => void captured.push(line) });
    const token = "3f2b8c1e-9d4a-4f6b-8e2d-1a2b3c4d5e6f.c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA";
    const hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
    const hex = "a".repeat(64);
    log.error({ err: new Error(`failed for ${token} with ${hash} and ${hex}; Authorization: Bearer abc.def`) }, "boom");
    const line = captured.join("");
    expect(line).toContain("boom");
    for (const secret of [token, hash, hex, "abc.def", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"]) expect(line).not.toContain(secret);
    expect(line).toContain("[redacted-token]");
    expect(line).toContain("[redacted-hash]");
  });
});
