// The account page's script (bundled by esbuild into account.js, served by the gateway at /account):
// sign in with a cookie session, list your sessions with the current one marked, revoke one, sign out
// here or everywhere. The session lives in an HttpOnly cookie: nothing here ever holds the token.
import {
  CompleteSignInDocument,
  GraphQLRequestError,
  MySessionsDocument,
  RevokeAllSessionsDocument,
  RevokeSessionDocument,
  SignInDocument,
  SignOutDocument,
  ViewerDocument,
  ViewerSessionEventsDocument,
  createClient,
} from "../index.js";
import type { SessionFieldsFragment } from "../index.js";

const client = createClient({ url: "/graphql", credentials: "same-origin" });

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`#${id} is missing from the page`);
  return found;
}

const status = element("status", HTMLParagraphElement);
const signInForm = element("sign-in", HTMLFormElement);
const secondFactorForm = element("second-factor", HTMLFormElement);
const account = element("account", HTMLElement);
const rows = element("sessions", HTMLTableSectionElement);

function say(message: string): void {
  status.textContent = message;
}

function explain(error: unknown): string {
  if (error instanceof GraphQLRequestError) return `${error.message}${error.requestId ? ` (request ${error.requestId})` : ""}`;
  return error instanceof Error ? error.message : String(error);
}

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

function cell(text: string): HTMLTableCellElement {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function sessionRow(session: SessionFieldsFragment): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.dataset.sessionId = session.id;
  if (session.current) tr.className = "current";
  tr.append(cell(when(session.createdAt)), cell(when(session.lastSeenAt)), cell(session.ip ?? "—"), cell(session.userAgent ?? "—"));
  const action = document.createElement("td");
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = session.current ? "Revoke (this session)" : "Revoke";
  button.addEventListener("click", () => void revoke(session));
  action.append(button);
  tr.append(action);
  return tr;
}

let userId: string | null = null;
/** The challenge of a sign-in waiting for its second factor. */
let challengeToken: string | null = null;

/** The stream watching this page's session, while signed in. */
let watching: AbortController | null = null;

/**
 * Follows this session's events: revoked or expired anywhere (another browser, an admin), the page
 * signs itself out at once. A stream that ends otherwise (the server restarting, live updates
 * unavailable) is reopened after a pause, as long as the page is still signed in.
 */
function watchSession(): void {
  if (watching) return;
  const controller = new AbortController();
  watching = controller;
  let ended: string | null = null;
  client
    .subscribe(ViewerSessionEventsDocument, {}, (result) => {
      const kind = result.data?.viewerSessionEvents.kind;
      if (kind === "REVOKED" || kind === "EXPIRED") ended = kind;
    }, controller.signal)
    .catch(() => undefined)
    .then(async () => {
      if (controller.signal.aborted) return;
      watching = null;
      if (ended) {
        say(ended === "REVOKED" ? "This session was signed out from elsewhere." : "This session has expired. Sign in again.");
        return run(show);
      }
      await new Promise((resolve) => setTimeout(resolve, 5000));
      if (userId && !watching) watchSession();
    });
}

function stopWatching(): void {
  watching?.abort();
  watching = null;
}

async function show(): Promise<void> {
  const { viewer } = await client.request(ViewerDocument);
  userId = viewer?.user.id ?? null;
  if (viewer) watchSession();
  else stopWatching();
  signInForm.hidden = viewer !== null || challengeToken !== null;
  secondFactorForm.hidden = challengeToken === null;
  account.hidden = viewer === null;
  if (!viewer) return;
  element("email", HTMLElement).textContent = viewer.user.email;
  const sessions = await client.request(MySessionsDocument, { first: 50, activeOnly: true });
  rows.replaceChildren(...(sessions.viewer?.user.sessions.edges ?? []).map((e) => sessionRow(e.node)));
}

async function revoke(session: SessionFieldsFragment): Promise<void> {
  // Ending this session here is not news from elsewhere: the page says so itself.
  if (session.current) stopWatching();
  const { revokeSession } = await client.request(RevokeSessionDocument, { id: session.id });
  say(revokeSession.__typename === "Session" ? (session.current ? "This session was revoked: you are signed out." : "Session revoked.") : revokeSession.message);
  await show();
}

async function run(step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    say(explain(error));
  }
}

signInForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const form = new FormData(signInForm);
  void run(async () => {
    const input = { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? ""), cookie: true };
    const { signIn } = await client.request(SignInDocument, { input });
    signInForm.reset();
    if (signIn.__typename === "MfaRequired") {
      challengeToken = signIn.challengeToken;
      say("Enter a code from your authenticator app (or a recovery code) to finish signing in.");
      return show();
    }
    if (signIn.__typename !== "SignInSuccess") return say(signIn.message);
    say("");
    await show();
  });
});

secondFactorForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const code = String(new FormData(secondFactorForm).get("code") ?? "").trim();
  void run(async () => {
    if (!challengeToken) return;
    // Six digits are a TOTP code; anything else is tried as a recovery code.
    const factor = /^\d{6}$/.test(code) ? { totp: code } : { recoveryCode: code };
    const { completeSignIn } = await client.request(CompleteSignInDocument, { input: { challengeToken, cookie: true, ...factor } });
    secondFactorForm.reset();
    if (completeSignIn.__typename !== "SignInSuccess") {
      // A used-up or expired challenge cannot be retried: start the sign-in again.
      if (completeSignIn.__typename === "MfaChallengeInvalidError") challengeToken = null;
      say(completeSignIn.message);
      return show();
    }
    challengeToken = null;
    say("");
    await show();
  });
});

element("sign-out", HTMLButtonElement).addEventListener("click", () =>
  void run(async () => {
    stopWatching();
    const { signOut } = await client.request(SignOutDocument);
    say(signOut.__typename === "SignOutSuccess" ? "Signed out." : signOut.message);
    await show();
  }),
);

element("sign-out-everywhere", HTMLButtonElement).addEventListener("click", () =>
  void run(async () => {
    if (!userId) return;
    stopWatching();
    const { revokeAllSessions } = await client.request(RevokeAllSessionsDocument, { userId, keepCurrent: false });
    say(revokeAllSessions.__typename === "RevokeAllSessionsSuccess" ? `Signed out everywhere (${revokeAllSessions.revokedCount} sessions).` : revokeAllSessions.message);
    await show();
  }),
);

void run(show);
