// Passkeys in a real Chromium (Debian's, through playwright-core) with the DevTools protocol's virtual
// authenticator (ctap2, internal, resident keys, user verification): registration, a passkey as the
// second factor, a passwordless sign-in, step-up, replay of an old assertion, and removal. The page
// runs on http://localhost:<port> served by the gateway itself, and every call goes over HTTP.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect } from "vitest";
import { listen } from "../../src/server/http.js";
import { createGateway } from "../../src/server/yoga.js";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { PASSKEY_PAGE, freePort, passkeyPage } from "../helpers/passkey-page.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const PORT = await freePort();
const ORIGIN = `http://localhost:${PORT}`;

const test = instanceTest({ env: { WEBAUTHN_RP_ID: "localhost", WEBAUTHN_ORIGINS: ORIGIN } })
  .extend("server", { scope: "file" }, async ({ t }, { onCleanup }) => {
    const http = await listen(createGateway(t.app, { plugins: [passkeyPage()] }), { port: PORT, host: "127.0.0.1", log: t.app.log });
    onCleanup(async () => void (await http.drain(1000)));
    return http;
  })
  .extend("browser", { scope: "file" }, async ({}, { onCleanup }) => {
    expect(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH.`).toBe(true);
    const profile = mkdtempSync(join(tmpdir(), "authgraph-passkeys-"));
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 30_000 });
    onCleanup(async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    });
    return context;
  })
  // A fresh page with its own virtual authenticator (a device holding passkeys) per test.
  .extend("page", async ({ server, browser }, { onCleanup }) => {
    const page = await (browser as BrowserContext).newPage();
    onCleanup(() => page.close());
    void server;
    await page.goto(`${ORIGIN}${PASSKEY_PAGE}`);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    return page;
  });

type Data = Record<string, Record<string, unknown> & { __typename: string }>;

/** Runs a GraphQL operation from the page (over HTTP), returning its data. */
function gql(page: Page, query: string, variables: Record<string, unknown> = {}, token: string | null = null): Promise<Data> {
  return page.evaluate(([q, v, tk]) => (window as unknown as { gql: (q: string, v: unknown, t: string | null) => Promise<Data> }).gql(q, v, tk), [query, variables, token] as const);
}
const create = (page: Page, options: unknown): Promise<unknown> =>
  page.evaluate((o) => (window as unknown as { createPasskey: (o: unknown) => Promise<unknown> }).createPasskey(o), options);
const assert = (page: Page, options: unknown): Promise<unknown> =>
  page.evaluate((o) => (window as unknown as { usePasskey: (o: unknown) => Promise<unknown> }).usePasskey(o), options);

const ERR = "... on Error { code message }";
const CHALLENGE = `__typename ... on PasskeyChallenge { challengeToken options } ${ERR}`;
const SESSION = "id authMethods mfaAt";
const COMPLETE = `mutation($input: CompleteSignInInput!) { completeSignIn(input: $input) { __typename ... on SignInSuccess { token session { ${SESSION} } user { email } } ${ERR} } }`;
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { __typename ... on SignInSuccess { token } ... on MfaRequired { challengeToken methods passkeyOptions } ${ERR} } }`;

/** The user's audit events of one type: who recorded them, from which session, with what metadata. */
async function passkeyEvents(t: TestInstance, type: "MFA_PASSKEY_ADDED" | "MFA_PASSKEY_REMOVED", userId: string) {
  return t.db.auditEvent.findMany({ where: { type, subjectUserId: userId }, orderBy: { id: "asc" }, select: { actorUserId: true, sessionId: true, metadata: true } });
}

/** Registers a passkey for a fresh member from the page; their password session's token and email. */
async function memberWithPasskey(t: { signInAs: (w: object) => Promise<{ token: string; email: string; password: string; userId: string }> }, page: Page) {
  const member = await t.signInAs({});
  const start = (await gql(page, `mutation { startPasskeyRegistration { ${CHALLENGE} } }`, {}, member.token)).startPasskeyRegistration;
  expect(start?.__typename).toBe("PasskeyChallenge");
  const response = await create(page, start?.options);
  const registered = (
    await gql(
      page,
      `mutation($input: RegisterPasskeyInput!) { registerPasskey(input: $input) { __typename ... on Passkey { id name backedUp } ${ERR} } }`,
      { input: { challengeToken: start?.challengeToken, name: "Virtual authenticator", response } },
      member.token,
    )
  ).registerPasskey;
  return { member, passkey: registered, response };
}

describe("passkeys in Chromium", () => {
  test("register a passkey: it is listed; a second one needs step-up; a challenge issued to another session is refused", async ({ t, page }) => {
    const { member, passkey, response } = await memberWithPasskey(t, page);
    expect(passkey).toMatchObject({ __typename: "Passkey", name: "Virtual authenticator" });
    const listed = await gql(page, "{ viewer { user { secondFactors { passkeys { id name } } } } }", {}, member.token);
    expect(listed.viewer).toEqual({ user: { secondFactors: { passkeys: [{ id: passkey?.id, name: "Virtual authenticator" }] } } });
    const row = await t.db.passkey.findFirstOrThrow({ where: { userId: member.userId } });
    expect(row.credentialId).toMatch(/^[A-Za-z0-9_-]+$/);
    // Recorded once, by the member's own session, naming the passkey.
    expect(await passkeyEvents(t, "MFA_PASSKEY_ADDED", member.userId)).toEqual([
      { actorUserId: member.userId, sessionId: member.token.split(".")[0], metadata: { passkeyId: row.id, name: "Virtual authenticator" } },
    ]);
    // Now that the member has a factor, their password-only session must step up to add another.
    expect((await gql(page, `mutation { startPasskeyRegistration { ${CHALLENGE} } }`, {}, member.token)).startPasskeyRegistration?.code).toBe("STEP_UP_REQUIRED");
    // A registration challenge is bound to the session that asked for it.
    const other = await t.signInAs({});
    const start = (await gql(page, `mutation { startPasskeyRegistration { ${CHALLENGE} } }`, {}, other.token)).startPasskeyRegistration;
    const stolen = await gql(
      page,
      `mutation($input: RegisterPasskeyInput!) { registerPasskey(input: $input) { __typename ${ERR} } }`,
      { input: { challengeToken: start?.challengeToken, name: "x", response } },
      member.token,
    );
    expect(stolen.registerPasskey?.code).toBe("MFA_CHALLENGE_INVALID");
    // Its rightful session cannot use an answer made for another challenge either.
    const mismatched = await gql(
      page,
      `mutation($input: RegisterPasskeyInput!) { registerPasskey(input: $input) { __typename ${ERR} } }`,
      { input: { challengeToken: start?.challengeToken, name: "x", response } },
      other.token,
    );
    expect(mismatched.registerPasskey?.code).toBe("INVALID_SECOND_FACTOR");
    // Neither refused registration recorded a passkey.
    expect(await passkeyEvents(t, "MFA_PASSKEY_ADDED", other.userId)).toEqual([]);
    expect(await passkeyEvents(t, "MFA_PASSKEY_ADDED", member.userId)).toHaveLength(1);
  });

  test("a passkey as the second factor: signIn answers MfaRequired with passkey options, the assertion completes it; an old assertion is refused", async ({ t, page }) => {
    const { member } = await memberWithPasskey(t, page);
    const first = (await gql(page, SIGN_IN, { input: { email: member.email, password: member.password } })).signIn;
    expect(first).toMatchObject({ __typename: "MfaRequired", methods: ["PASSKEY"] });
    const assertion = await assert(page, first?.passkeyOptions);
    const done = (await gql(page, COMPLETE, { input: { challengeToken: first?.challengeToken, passkeyAssertion: assertion } })).completeSignIn;
    expect(done).toMatchObject({ __typename: "SignInSuccess", session: { authMethods: ["PASSWORD", "PASSKEY"] }, user: { email: member.email } });
    expect(done?.session).toMatchObject({ mfaAt: expect.any(String) });

    // Replay: the same assertion against a new challenge does not verify.
    const second = (await gql(page, SIGN_IN, { input: { email: member.email, password: member.password } })).signIn;
    const replayed = (await gql(page, COMPLETE, { input: { challengeToken: second?.challengeToken, passkeyAssertion: assertion } })).completeSignIn;
    expect(replayed?.code).toBe("INVALID_SECOND_FACTOR");
  });

  test("passwordless: startPasskeySignIn, the browser picks the discoverable passkey, completeSignIn issues a session with MFA", async ({ t, page }) => {
    const { member } = await memberWithPasskey(t, page);
    const start = (await gql(page, `mutation { startPasskeySignIn { ${CHALLENGE} } }`)).startPasskeySignIn;
    expect(start?.__typename).toBe("PasskeyChallenge");
    const assertion = await assert(page, start?.options);
    const done = (await gql(page, COMPLETE, { input: { challengeToken: start?.challengeToken, passkeyAssertion: assertion } })).completeSignIn;
    expect(done).toMatchObject({ __typename: "SignInSuccess", session: { authMethods: ["PASSKEY"] }, user: { email: member.email } });
    expect(done?.session).toMatchObject({ mfaAt: expect.any(String) });
    // The challenge was used up.
    const again = (await gql(page, COMPLETE, { input: { challengeToken: start?.challengeToken, passkeyAssertion: assertion } })).completeSignIn;
    expect(again?.code).toBe("MFA_CHALLENGE_INVALID");
  });

  test("step-up with a passkey, then removing it (a step-up mutation); afterwards sign-in is password-only", async ({ t, page }) => {
    const { member, passkey } = await memberWithPasskey(t, page);
    const remove = `mutation($id: ID!) { deletePasskey(id: $id) { __typename ... on DeletePasskeySuccess { deletedPasskeyId } ... on StepUpRequiredError { maxAgeSeconds } ${ERR} } }`;
    expect((await gql(page, remove, { id: passkey?.id }, member.token)).deletePasskey?.code).toBe("STEP_UP_REQUIRED");
    const row = await t.db.passkey.findFirstOrThrow({ where: { userId: member.userId } });
    expect(await passkeyEvents(t, "MFA_PASSKEY_REMOVED", member.userId)).toEqual([]);

    const start = (await gql(page, `mutation { startPasskeyStepUp { ${CHALLENGE} } }`, {}, member.token)).startPasskeyStepUp;
    const assertion = await assert(page, start?.options);
    const stepped = (
      await gql(page, `mutation($input: StepUpInput!) { stepUp(input: $input) { __typename ... on Session { ${SESSION} } ${ERR} } }`, { input: { challengeToken: start?.challengeToken, passkeyAssertion: assertion } }, member.token)
    ).stepUp;
    expect(stepped).toMatchObject({ __typename: "Session", authMethods: ["PASSWORD", "PASSKEY"], mfaAt: expect.any(String) });

    expect((await gql(page, remove, { id: passkey?.id }, member.token)).deletePasskey).toMatchObject({ __typename: "DeletePasskeySuccess", deletedPasskeyId: passkey?.id });
    expect(await t.db.passkey.count({ where: { userId: member.userId } })).toBe(0);
    expect(await passkeyEvents(t, "MFA_PASSKEY_REMOVED", member.userId)).toEqual([
      { actorUserId: member.userId, sessionId: member.token.split(".")[0], metadata: { passkeyId: row.id } },
    ]);
    expect((await gql(page, SIGN_IN, { input: { email: member.email, password: member.password } })).signIn?.__typename).toBe("SignInSuccess");
  });
});
