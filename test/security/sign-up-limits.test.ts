// Sign-up is throttled per address and overall, each alias and batch member counted on its own, and
// an address already refused for sign-in failures learns nothing about which emails exist.
import { describe, expect } from "vitest";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";

// The tests share the minute's global window, in order.
const test = instanceTest({ env: { TRUST_PROXY: "true", SIGNUP_MAX_PER_IP: "5", SIGNUP_MAX_PER_MINUTE: "8", LOGIN_MAX_FAILURES_PER_IP: "3" } });

const aliases = (prefix: string, n: number) =>
  `mutation { ${Array.from({ length: n }, (_, i) => `a${i}: signUp(input: { email: "${prefix}-${i}@example.com", password: "long-enough-password" }) { __typename }`).join(" ")} }`;

async function post(t: TestInstance, body: unknown, ip: string): Promise<{ data: Record<string, { __typename: string }> }[]> {
  const res = await t.yoga.fetch("http://authgraph.test/graphql", { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": ip }, body: JSON.stringify(body) });
  const json = (await res.json()) as unknown;
  return (Array.isArray(json) ? json : [json]) as { data: Record<string, { __typename: string }> }[];
}

const typenames = (rs: { data: Record<string, { __typename: string }> }[]) => rs.flatMap((r) => Object.values(r.data).map((v) => v.__typename));

describe("sign-up throttling", () => {
  test("one request of ten batched operations of six aliases creates at most SIGNUP_MAX_PER_IP accounts", async ({ t }) => {
    const before = await t.db.user.count();
    const results = typenames(await post(t, Array.from({ length: 10 }, (_, i) => ({ query: aliases(`flood${i}`, 6) })), "198.51.100.20"));
    expect(results).toHaveLength(60);
    expect(results.filter((r) => r === "SignInSuccess")).toHaveLength(5);
    expect(results.filter((r) => r === "RateLimitedError")).toHaveLength(55);
    expect((await t.db.user.count()) - before).toBe(5);
    expect(await t.db.auditEvent.count({ where: { type: "SIGN_UP_RATE_LIMITED" } })).toBe(55);
  });

  test("a global ceiling holds across addresses", async ({ t }) => {
    const before = await t.db.user.count();
    const results = typenames((await Promise.all(Array.from({ length: 4 }, (_, i) => post(t, { query: aliases(`spread${i}`, 3) }, `192.0.2.${10 + i}`)))).flat());
    // 5 of the minute's 8 went to the previous test.
    expect(results.filter((r) => r === "SignInSuccess")).toHaveLength(3);
    expect((await t.db.user.count()) - before).toBe(3);
  });

  test("an address refused for sign-in failures is refused sign-up before any existence check", async ({ t }) => {
    const ip = "203.0.113.99";
    const signIn = `mutation { signIn(input: { email: "nobody@example.com", password: "wrong-password-1" }) { __typename } }`;
    for (let i = 0; i < 4; i++) await post(t, { query: signIn }, ip);
    const taken = `mutation { signUp(input: { email: "admin@test.local", password: "long-enough-password" }) { __typename ... on Error { code message } } }`;
    const [r] = await post(t, { query: taken }, ip);
    expect(r?.data.signUp).toMatchObject({ __typename: "RateLimitedError", code: "RATE_LIMITED" });
  });
});
