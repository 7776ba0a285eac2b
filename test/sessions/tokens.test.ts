// Session tokens: `<session id>.<secret>`, of which only a hash is stored. Anything else presented as
// a token, or a token altered in any way, is simply no viewer.
import { describe, expect, it } from "vitest";
import { bearerToken, formatToken, generateSecret, hashSecret, parseToken, secretMatches } from "../../src/modules/sessions/tokens.js";
import { test } from "../helpers/fixture.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";
import { Q } from "../helpers/session-ops.js";

const ID = "0b6f3c1e-8a4d-4f7e-9c2b-1d5e6f7a8b9c";

describe("token format (unit)", () => {
  it("generates 32-byte base64url secrets and round-trips a token", () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, "base64url")).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
    expect(parseToken(formatToken(ID, secret))).toEqual({ sessionId: ID, secret });
  });

  it("stores sha-256 hex and compares it", () => {
    const secret = generateSecret();
    const hash = hashSecret(secret);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(secretMatches(secret, hash)).toBe(true);
    expect(secretMatches(generateSecret(), hash)).toBe(false);
    // A stored value of the wrong length never matches (and never throws from timingSafeEqual).
    expect(secretMatches(secret, "abcd")).toBe(false);
    expect(secretMatches(secret, "")).toBe(false);
  });

  it.each([
    ["empty", ""],
    ["no dot", `${ID}x${generateSecret()}`],
    ["short secret", `${ID}.${generateSecret().slice(1)}`],
    ["long secret", `${ID}.${generateSecret()}A`],
    ["upper-case id", `${ID.toUpperCase()}.${generateSecret()}`],
    ["not a uuid", `${"z".repeat(36)}.${generateSecret()}`],
    ["bad secret chars", `${ID}.${"+".repeat(43)}`],
    ["two dots", `${ID}.${generateSecret().slice(0, 20)}.${generateSecret().slice(0, 22)}`],
    ["huge", "a".repeat(10_000)],
  ])("parseToken rejects %s", (_name, token) => {
    expect(parseToken(token)).toBeNull();
  });

  it("parseToken tolerates non-strings", () => {
    expect(parseToken(null)).toBeNull();
    expect(parseToken(undefined)).toBeNull();
    expect(parseToken(42 as unknown as string)).toBeNull();
  });

  it("bearerToken extracts only a well-formed Bearer header", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer   abc  ")).toBe("abc");
    expect(bearerToken("Basic abc")).toBeNull();
    expect(bearerToken("Bearer a b")).toBeNull();
    expect(bearerToken("Bearer ")).toBeNull();
    expect(bearerToken("")).toBeNull();
    expect(bearerToken(null)).toBeNull();
    expect(bearerToken(`Bearer ${"a".repeat(10_000)}`)).toBeNull();
  });
});

/** Raw request so the HTTP status and header handling are exercised too. */
async function ask(t: TestInstance, authorization: string | null): Promise<{ status: number; body: { data?: { viewer: unknown }; errors?: unknown[] } }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (authorization !== null) headers.authorization = authorization;
  const res = await t.yoga.fetch("http://authgraph.test/graphql", { method: "POST", headers, body: JSON.stringify({ query: Q.viewer }) });
  return { status: res.status, body: (await res.json()) as { data?: { viewer: unknown }; errors?: unknown[] } };
}

function flipSecretByte(token: string): string {
  const [id, secret] = token.split(".") as [string, string];
  const bytes = Buffer.from(secret, "base64url");
  bytes[7] = (bytes[7] ?? 0) ^ 0x01;
  return `${id}.${bytes.toString("base64url")}`;
}

describe("token tampering over GraphQL", () => {
  test("the genuine token resolves a viewer", async ({ t, admin }) => {
    const r = await ask(t, `Bearer ${admin.token}`);
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data?.viewer).not.toBeNull();
  });

  const cases: [string, (admin: SignedIn) => string][] = [
    ["flipped secret byte", (admin) => `Bearer ${flipSecretByte(admin.token)}`],
    ["flipped last character of the secret", (admin) => `Bearer ${admin.token.slice(0, -1)}${admin.token.endsWith("A") ? "B" : "A"}`],
    ["unknown session id", (admin) => `Bearer ${ID}.${admin.token.split(".")[1] ?? ""}`],
    ["fresh random token", () => `Bearer ${formatToken(ID, generateSecret())}`],
    ["wrong format", () => "Bearer not-a-token"],
    ["session id only", (admin) => `Bearer ${admin.sessionId}`],
    ["token without scheme", (admin) => admin.token],
    ["other scheme", () => `Basic ${Buffer.from("admin:admin").toString("base64")}`],
    ["empty header", () => ""],
    ["scheme only", () => "Bearer"],
    ["10 KB header", () => `Bearer ${"A".repeat(10 * 1024)}`],
    ["10 KB header starting with the real token", (admin) => `Bearer ${admin.token}${"A".repeat(10 * 1024)}`],
    ["non-ASCII", (admin) => `Bearer ${admin.sessionId}.${"é".repeat(43)}`],
  ];

  test.for(cases)("%s -> viewer null, HTTP 200, no errors", async ([, header], { t, admin }) => {
    const r = await ask(t, header(admin));
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data).toEqual({ viewer: null });
  });

  test("a tampered token never evicts or replaces the genuine cached session", async ({ t, admin }) => {
    await ask(t, `Bearer ${flipSecretByte(admin.token)}`);
    const r = await ask(t, `Bearer ${admin.token}`);
    expect(r.body.data?.viewer).not.toBeNull();
  });
});
