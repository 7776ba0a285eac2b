// Browser sessions in a cookie: `signIn`/`signUp` with `cookie: true` hand the session out as an
// HttpOnly, Secure, SameSite=Lax `__Host-` cookie instead of the body; the cookie then authenticates;
// signing out or revoking the current session clears it; and a page of another origin cannot act
// with it (a cross-site form POST, a cross-origin fetch from an origin not in CORS_ORIGINS).
import { randomBytes } from "node:crypto";
import { describe, expect } from "vitest";
import { LOOPBACK_SESSION_COOKIE, SESSION_COOKIE } from "../../src/server/session-cookie.js";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";

const APP_ORIGIN = "https://app.example.test";
const test = instanceTest({ env: { CORS_ORIGINS: APP_ORIGIN } });

const SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { __typename ... on SignInSuccess { token session { id } } ... on Error { code } } }";
const SIGN_UP = "mutation($input: SignUpInput!) { signUp(input: $input) { __typename ... on SignInSuccess { token user { email } } ... on Error { code } } }";
const VIEWER = "{ viewer { id user { email } session { id current } } }";
const SIGN_OUT = "mutation { signOut { __typename } }";

interface Reply {
  status: number;
  cacheControl: string | null;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
  setCookies: string[];
}

async function post(t: TestInstance, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}, url = "https://gateway.example.test/graphql"): Promise<Reply> {
  const res = await t.yoga.fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, cacheControl: res.headers.get("cache-control"), body: (await res.json()) as Reply["body"], setCookies: res.headers.getSetCookie() };
}

/** `name=value` of a Set-Cookie line, for the next request's Cookie header. */
function cookiePair(setCookie: string | undefined): string {
  return setCookie?.split(";")[0] ?? "";
}

async function cookieSession(t: TestInstance, email: string, password: string): Promise<{ cookie: string; setCookie: string; reply: Reply }> {
  const reply = await post(t, SIGN_IN, { input: { email, password, cookie: true } });
  const setCookie = reply.setCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? "";
  return { cookie: cookiePair(setCookie), setCookie, reply };
}

describe("signIn with cookie: true", () => {
  test("sets a __Host- cookie (HttpOnly, Secure, SameSite=Lax, Path=/, no Domain) and returns no token", async ({ t, member: u }) => {
    const { setCookie, reply } = await cookieSession(t, u.email, u.password);
    expect(reply.body.data?.signIn).toMatchObject({ __typename: "SignInSuccess", token: null });
    // No cache may keep the answer that starts a session.
    expect(reply.cacheControl).toBe("no-store");
    const attributes = setCookie.split(";").map((a) => a.trim().toLowerCase());
    expect(attributes[0]).toMatch(new RegExp(`^${SESSION_COOKIE.toLowerCase()}=[0-9a-f-]{36}\\.[a-z0-9_-]{43}$`));
    expect(attributes).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=lax", "path=/"]));
    expect(attributes.some((a) => a.startsWith("domain="))).toBe(false);
    // It lives as long as the session may (its absolute lifetime).
    const sessionId = /=([0-9a-f-]{36})\./.exec(setCookie)?.[1] ?? "";
    const row = await t.db.session.findUniqueOrThrow({ where: { id: sessionId } });
    const expires = /expires=([^;]+)/i.exec(setCookie)?.[1] ?? "";
    expect(new Date(expires).getTime()).toBe(Math.floor(row.absoluteExpiresAt.getTime() / 1000) * 1000);
  });

  test("without it, the token is in the body and no cookie is set", async ({ t, member: u }) => {
    const reply = await post(t, SIGN_IN, { input: { email: u.email, password: u.password } });
    expect(reply.body.data?.signIn).toMatchObject({ __typename: "SignInSuccess", token: expect.stringMatching(/^[0-9a-f-]{36}\./) });
    expect(reply.setCookies).toEqual([]);
  });

  test("a failed sign-in sets no cookie", async ({ t, member: u }) => {
    const reply = await post(t, SIGN_IN, { input: { email: u.email, password: "not-the-password", cookie: true } });
    expect(reply.body.data?.signIn).toEqual({ __typename: "InvalidCredentialsError", code: "INVALID_CREDENTIALS" });
    expect(reply.setCookies).toEqual([]);
  });

  test("the cookie authenticates later requests: viewer, current session marked", async ({ t, member: u }) => {
    const { cookie } = await cookieSession(t, u.email, u.password);
    const reply = await post(t, VIEWER, {}, { cookie });
    expect(reply.body.data?.viewer).toMatchObject({ user: { email: u.email }, session: { current: true } });
  });

  test("a bearer token wins over a cookie when both are sent", async ({ t, member: u, admin }) => {
    const { cookie } = await cookieSession(t, u.email, u.password);
    const reply = await post(t, VIEWER, {}, { cookie, authorization: `Bearer ${admin.token}` });
    expect(reply.body.data?.viewer).toMatchObject({ user: { email: admin.email } });
  });
});

describe("signUp with cookie: true", () => {
  test("starts the new account's session in the cookie", async ({ t }) => {
    const email = `cookie-${randomBytes(4).toString("hex")}@test.local`;
    const reply = await post(t, SIGN_UP, { input: { email, password: "cookie-password-123", cookie: true } });
    expect(reply.body.data?.signUp).toMatchObject({ __typename: "SignInSuccess", token: null, user: { email } });
    const cookie = cookiePair(reply.setCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`)));
    expect((await post(t, VIEWER, {}, { cookie })).body.data?.viewer).toMatchObject({ user: { email } });
  });
});

describe("ending a cookie session", () => {
  const cleared = (setCookies: string[]): boolean =>
    setCookies.some((c) => c.startsWith(`${SESSION_COOKIE}=;`) && /expires=Thu, 01 Jan 1970/i.test(c) && /secure/i.test(c) && /path=\//i.test(c));

  test("signOut revokes the session and clears the cookie", async ({ t, member: u }) => {
    const { cookie } = await cookieSession(t, u.email, u.password);
    const reply = await post(t, SIGN_OUT, {}, { cookie });
    expect(reply.body.data?.signOut).toEqual({ __typename: "SignOutSuccess" });
    expect(cleared(reply.setCookies)).toBe(true);
    expect((await post(t, VIEWER, {}, { cookie })).body.data?.viewer).toBeNull();
  });

  test("revoking the current session clears the cookie; revoking another one does not", async ({ t, member: u }) => {
    const first = await cookieSession(t, u.email, u.password);
    const second = await cookieSession(t, u.email, u.password);
    const secondId = (second.reply.body.data?.signIn as { session: { id: string } }).session.id;
    const firstId = (first.reply.body.data?.signIn as { session: { id: string } }).session.id;
    const revoke = "mutation($id: ID!) { revokeSession(id: $id) { __typename } }";
    const other = await post(t, revoke, { id: secondId }, { cookie: first.cookie });
    expect(other.body.data?.revokeSession).toEqual({ __typename: "Session" });
    expect(other.setCookies).toEqual([]);
    const own = await post(t, revoke, { id: firstId }, { cookie: first.cookie });
    expect(own.body.data?.revokeSession).toEqual({ __typename: "Session" });
    expect(cleared(own.setCookies)).toBe(true);
  });

  test("revokeAllSessions(keepCurrent: false) on oneself clears the cookie", async ({ t, member: u }) => {
    const { cookie } = await cookieSession(t, u.email, u.password);
    const reply = await post(t, "mutation($u: ID!) { revokeAllSessions(userId: $u, keepCurrent: false) { __typename } }", { u: u.userGid }, { cookie });
    expect(reply.body.data?.revokeAllSessions).toEqual({ __typename: "RevokeAllSessionsSuccess" });
    expect(cleared(reply.setCookies)).toBe(true);
  });

  test("a cookie naming no live session is cleared and the request is anonymous", async ({ t }) => {
    const reply = await post(t, VIEWER, {}, { cookie: `${SESSION_COOKIE}=00000000-0000-4000-8000-000000000000.${"a".repeat(43)}` });
    expect(reply.body.data?.viewer).toBeNull();
    expect(cleared(reply.setCookies)).toBe(true);
  });
});

describe("a page of another origin cannot act with the cookie", () => {
  test("a cross-site form POST (a simple request) is refused before anything runs", async ({ t, member: u }) => {
    const { cookie } = await cookieSession(t, u.email, u.password);
    const form = new URLSearchParams({ query: SIGN_OUT });
    const res = await t.yoga.fetch("https://gateway.example.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example.test", cookie },
      body: form.toString(),
    });
    expect(res.status).toBe(403);
    const body = (await res.json()) as Reply["body"];
    expect(body.errors?.[0]?.extensions?.code).toBe("CSRF_REJECTED");
    expect((await post(t, VIEWER, {}, { cookie })).body.data?.viewer).not.toBeNull();
  });

  test("a cross-origin fetch from an origin not in CORS_ORIGINS is refused, and its preflight gets no CORS headers", async ({ t, member: u }) => {
    const { cookie } = await cookieSession(t, u.email, u.password);
    const preflight = await t.yoga.fetch("https://gateway.example.test/graphql", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example.test", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    // Even if a browser sent it anyway (or the page is same-site and gets the Lax cookie):
    const reply = await post(t, SIGN_OUT, {}, { cookie, origin: "https://evil.example.test" });
    expect(reply.status).toBe(403);
    expect(reply.body.errors?.[0]?.extensions?.code).toBe("CSRF_REJECTED");
    expect(reply.body.data).toBeUndefined();
    expect((await post(t, VIEWER, {}, { cookie })).body.data?.viewer).not.toBeNull();
  });

  test("the same fetch from a listed origin, or from the gateway's own, acts with the cookie", async ({ t, member: u }) => {
    const { cookie } = await cookieSession(t, u.email, u.password);
    const listed = await post(t, VIEWER, {}, { cookie, origin: APP_ORIGIN });
    expect(listed.body.data?.viewer).toMatchObject({ user: { email: u.email } });
    const own = await post(t, VIEWER, {}, { cookie, origin: "https://gateway.example.test" });
    expect(own.body.data?.viewer).toMatchObject({ user: { email: u.email } });
  });
});

describe("plain-http loopback outside production", () => {
  test("the cookie drops Secure and, as browsers require, the __Host- prefix", async ({ t, member: u }) => {
    const reply = await post(t, SIGN_IN, { input: { email: u.email, password: u.password, cookie: true } }, {}, "http://127.0.0.1:4000/graphql");
    const [setCookie = ""] = reply.setCookies;
    expect(setCookie.startsWith(`${LOOPBACK_SESSION_COOKIE}=`)).toBe(true);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/);
    const viewer = await post(t, VIEWER, {}, { cookie: cookiePair(setCookie) }, "http://127.0.0.1:4000/graphql");
    expect(viewer.body.data?.viewer).toMatchObject({ user: { email: u.email } });
  });

  test("production keeps Secure and the prefix on loopback too", async ({ t, member: u }) => {
    const production = await t.sibling({ NODE_ENV: "production", PERSISTED_OPERATIONS: "off" });
    const res = await production.yoga.fetch("http://127.0.0.1:4000/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: SIGN_IN, variables: { input: { email: u.email, password: u.password, cookie: true } } }),
    });
    const [setCookie = ""] = res.headers.getSetCookie();
    expect(setCookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    expect(setCookie).toMatch(/Secure/);
  });
});
