// The account page (/account) in a real headless Chromium, driven as a person would: sign in with a
// cookie session, see the sessions with the current one marked, revoke another, sign out everywhere.
// Nothing the page loads leaves 127.0.0.1, and no script on it can read the session cookie.
// A missing browser is a failure with instructions, never a skip: CI installs it (.ci/run).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOOPBACK_SESSION_COOKIE } from "../../src/server/session-cookie.js";
import { TEST_ADMIN } from "../helpers/pg.js";
import { startServer } from "../helpers/server.js";
import type { TestServer } from "../helpers/server.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const OUTPUT_DIR = fileURLToPath(new URL("../../test-results/account-page/", import.meta.url));
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

let server: TestServer | undefined;
let context: BrowserContext | undefined;
let profile: string | undefined;
const requested: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return; // reported by the test itself, with the fix
  server = await startServer();
  profile = mkdtempSync(join(tmpdir(), "authgraph-chromium-"));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1100, height: 800 }, timeout: 30_000 });
  context.on("request", (r) => requested.push(r.url()));
}, 90_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Another session of the admin, started outside the browser (as a second device would). */
async function signInElsewhere(url: string): Promise<string> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "second-device/1.0" },
    body: JSON.stringify({
      query: "mutation($i: SignInInput!) { signIn(input: $i) { ... on SignInSuccess { token session { id } } } }",
      variables: { i: { email: TEST_ADMIN.email, password: TEST_ADMIN.password } },
    }),
  });
  const body = (await res.json()) as { data: { signIn: { token: string; session: { id: string } } } };
  return body.data.signIn.token;
}

async function viewerOf(url: string, token: string): Promise<unknown> {
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: "{ viewer { id } }" }) });
  return ((await res.json()) as { data: { viewer: unknown } }).data.viewer;
}

const rowsOf = (page: Page) => page.locator("#sessions tr");

describe("the account page in Chromium", () => {
  it("signs in with a cookie session, marks the current session, revokes another, signs out everywhere", async () => {
    expect(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` (.ci/run does), or set CHROMIUM_PATH.`).toBe(true);
    if (!context || !server) throw new Error("browser or server did not start");
    const origin = new URL(server.url).origin;
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));

    const elsewhere = await signInElsewhere(server.url);
    await page.goto(`${origin}/account`, { waitUntil: "load" });
    await page.getByLabel("Email").fill(TEST_ADMIN.email);
    await page.getByLabel("Password").fill(TEST_ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect.poll(async () => page.locator("#email").textContent(), { timeout: 20_000 }).toBe(TEST_ADMIN.email);
    // This browser's session and the second device's, this one marked as current.
    await expect.poll(async () => rowsOf(page).count()).toBeGreaterThanOrEqual(2);
    const current = page.locator("#sessions tr.current");
    await expect.poll(async () => current.count()).toBe(1);
    expect(await current.getByRole("button").textContent()).toBe("Revoke (this session)");

    // The session cookie is HttpOnly: the page's scripts cannot see it, the browser does hold it.
    expect(await page.evaluate(() => document.cookie)).not.toContain(LOOPBACK_SESSION_COOKIE);
    const cookies = await context.cookies(origin);
    const session = cookies.find((c) => c.name === LOOPBACK_SESSION_COOKIE);
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });

    // Revoke the second device's session from its row (its user agent names it).
    const other = rowsOf(page).filter({ hasText: "second-device/1.0" });
    await expect.poll(async () => other.count()).toBe(1);
    await other.getByRole("button", { name: "Revoke" }).click();
    await expect.poll(async () => page.locator("#status").textContent()).toBe("Session revoked.");
    await expect.poll(async () => other.count()).toBe(0);
    expect(await viewerOf(server.url, elsewhere)).toBeNull();

    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, "account-sessions.png"), fullPage: true });

    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect.poll(async () => page.locator("#sign-in").isVisible()).toBe(true);
    expect(await page.locator("#status").textContent()).toMatch(/^Signed out everywhere \(\d+ sessions\)\.$/);
    expect((await context.cookies(origin)).find((c) => c.name === LOOPBACK_SESSION_COOKIE)).toBeUndefined();
    // A reload stays signed out.
    await page.reload({ waitUntil: "load" });
    await expect.poll(async () => page.locator("#sign-in").isVisible()).toBe(true);

    const network = requested.filter((u) => !u.startsWith("data:") && !u.startsWith("blob:"));
    expect(network.some((u) => u.endsWith("/account/account.js"))).toBe(true);
    const external = network.filter((u) => new URL(u).hostname !== "127.0.0.1");
    expect(external, `requests that left 127.0.0.1:\n${external.join("\n")}`).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("signs itself out, with no click, when another browser revokes its session", async () => {
    if (!context || !server) throw new Error("browser or server did not start");
    const origin = new URL(server.url).origin;
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`${origin}/account`, { waitUntil: "load" });
    await page.getByLabel("Email").fill(TEST_ADMIN.email);
    await page.getByLabel("Password").fill(TEST_ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(async () => page.locator("#email").textContent(), { timeout: 20_000 }).toBe(TEST_ADMIN.email);
    // The page's live stream is open (one per signed-in page), counted by the server's metrics.
    await expect.poll(async () => (await (await fetch(`${server?.url}/metrics`)).text()).includes('authgraph_live_streams{field="viewerSessionEvents"} 1')).toBe(true);

    // Another device signs in and signs out every other session: the page's included.
    const elsewhere = await signInElsewhere(server.url);
    const me = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${elsewhere}` }, body: JSON.stringify({ query: "{ viewer { user { id } } }" }) });
    const userId = ((await me.json()) as { data: { viewer: { user: { id: string } } } }).data.viewer.user.id;
    const revoked = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${elsewhere}` },
      body: JSON.stringify({ query: "mutation($u: ID!) { revokeAllSessions(userId: $u, keepCurrent: true) { __typename } }", variables: { u: userId } }),
    });
    expect(((await revoked.json()) as { data: { revokeAllSessions: { __typename: string } } }).data.revokeAllSessions.__typename).toBe("RevokeAllSessionsSuccess");

    await expect.poll(async () => page.locator("#sign-in").isVisible()).toBe(true);
    expect(await page.locator("#status").textContent()).toBe("This session was signed out from elsewhere.");
    expect(await page.locator("#account").isVisible()).toBe(false);
    expect((await context.cookies(origin)).find((c) => c.name === LOOPBACK_SESSION_COOKIE)).toBeUndefined();
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("a wrong password is said on the page and sets no cookie", async () => {
    if (!context || !server) throw new Error("browser or server did not start");
    const origin = new URL(server.url).origin;
    const page = await context.newPage();
    await page.goto(`${origin}/account`, { waitUntil: "load" });
    await page.getByLabel("Email").fill(TEST_ADMIN.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(async () => page.locator("#status").textContent()).toBe("Invalid email or password.");
    expect((await context.cookies(origin)).find((c) => c.name === LOOPBACK_SESSION_COOKIE)).toBeUndefined();
  });
});
