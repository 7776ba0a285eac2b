// Mixed traffic against the instances: sign-in, viewer, sessions list, users page, revoke, role grant
// and revoke, audit page. Every request is recorded with the phase it ran in, its outcome (ok or an
// error code) and its latency; acknowledged mutations are remembered for the end-of-run checks.

/** Normal answers of the operations, not failures: a role already granted (CONFLICT) or not held (NOT_FOUND). */
export const DOMAIN_ANSWERS: ReadonlySet<string> = new Set(["CONFLICT", "NOT_FOUND"]);

/** A request that did not get its normal answer. */
export const failed = (s: { outcome: string }): boolean => s.outcome !== "ok" && !DOMAIN_ANSWERS.has(s.outcome);

export interface Sample {
  phase: string;
  op: string;
  instance: number;
  /** "ok", an error code, `http <status>` or "network". */
  outcome: string;
  ms: number;
  read: boolean;
}

export interface Account {
  email: string;
  password: string;
  userId: string;
  userGid: string;
}

export interface Ledger {
  signIns: string[];
  /** Revoked session ids, with when the revoke returned (performance.now()). */
  revokes: { sessionId: string; token: string; at: number }[];
  /** Last acknowledged role change per user id: true = granted. */
  roles: Map<string, boolean>;
  /** Revoked tokens accepted after their revoke returned: instance and ms after. */
  acceptedAfterRevoke: { instance: number; revokedOn: number; phase: string; afterMs: number }[];
}

export interface Gql {
  status: number;
  errors?: { message: string; extensions?: { code?: string } }[];
  data?: Record<string, unknown> | null;
}

export async function gql(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Gql> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    const res = await fetch(`${url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(15_000) });
    const body = (await res.json().catch(() => ({}))) as Omit<Gql, "status">;
    return { status: res.status, ...body };
  } catch {
    return { status: 0 };
  }
}

const Q = {
  signIn: `mutation($e: String!, $p: String!) { signIn(input: { email: $e, password: $p }) { __typename ... on SignInSuccess { token session { id } } ... on Error { code } } }`,
  viewer: `{ viewer { user { id } session { id } } }`,
  sessions: `{ viewer { user { sessions(first: 10) { edges { node { id active } } } } } }`,
  users: `{ users(first: 20) { edges { node { id email } } } }`,
  audit: `{ auditEvents(first: 20) { edges { node { id type } } } }`,
  revoke: `mutation($id: ID!) { revokeSession(id: $id) { __typename ... on Error { code } } }`,
  grant: `mutation($u: ID!) { grantRole(userId: $u, roleKey: "soak") { __typename ... on Error { code } } }`,
  revokeRole: `mutation($u: ID!) { revokeRole(userId: $u, roleKey: "soak") { __typename ... on Error { code } } }`,
};

function outcomeOf(r: Gql, field: string): string {
  if (r.status === 0) return "network";
  const code = r.errors?.[0]?.extensions?.code;
  if (code) return code;
  const value = r.data?.[field] as { __typename?: string; code?: string } | null | undefined;
  if (value?.code) return value.code;
  if (r.status >= 400) return `http ${r.status}`;
  return "ok";
}

export interface TrafficContext {
  urls: string[];
  adminToken: () => string;
  accounts: Account[];
  phase: () => string;
  ledger: Ledger;
  samples: Sample[];
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

/** One worker: requests back to back until `running()` is false. */
export async function worker(ctx: TrafficContext, running: () => boolean): Promise<void> {
  const tokens: { token: string; sessionId: string; sessionGid: string }[] = [];
  while (running()) {
    const instance = Math.floor(Math.random() * ctx.urls.length);
    const url = ctx.urls[instance] as string;
    const phase = ctx.phase();
    const started = performance.now();
    // A request belongs to the phase it ends in: one that started just before PostgreSQL was cut and
    // failed because of it is a failure of the outage, not of the phase before.
    const record = (op: string, outcome: string, read: boolean): void => {
      const ended = ctx.phase();
      if (ended === "prewarm") return;
      ctx.samples.push({ phase: outcome === "ok" ? phase : ended, op, instance, outcome, ms: performance.now() - started, read });
    };
    const roll = Math.random();
    if (roll < 0.12 || tokens.length === 0) {
      const account = pick(ctx.accounts);
      const r = await gql(url, Q.signIn, { e: account.email, p: account.password });
      const outcome = outcomeOf(r, "signIn");
      record("signIn", outcome, false);
      const s = r.data?.signIn as { token?: string; session?: { id: string } } | undefined;
      if (outcome === "ok" && s?.token && s.session) {
        const sessionId = s.token.split(".")[0] ?? "";
        tokens.push({ token: s.token, sessionId, sessionGid: s.session.id });
        ctx.ledger.signIns.push(sessionId);
      }
    } else if (roll < 0.42) {
      const t = pick(tokens);
      const r = await gql(url, Q.viewer, {}, t.token);
      record("viewer", outcomeOf(r, "viewer"), true);
    } else if (roll < 0.55) {
      const r = await gql(url, Q.sessions, {}, pick(tokens).token);
      record("sessions", outcomeOf(r, "viewer"), true);
    } else if (roll < 0.68) {
      const r = await gql(url, Q.users, {}, ctx.adminToken());
      record("users", outcomeOf(r, "users"), true);
    } else if (roll < 0.78) {
      const r = await gql(url, Q.audit, {}, ctx.adminToken());
      record("audit", outcomeOf(r, "auditEvents"), true);
    } else if (roll < 0.9) {
      const t = tokens.splice(Math.floor(Math.random() * tokens.length), 1)[0];
      if (!t) continue;
      const r = await gql(url, Q.revoke, { id: t.sessionGid }, t.token);
      const outcome = outcomeOf(r, "revokeSession");
      record("revoke", outcome, false);
      if (outcome === "ok") {
        const at = performance.now();
        ctx.ledger.revokes.push({ sessionId: t.sessionId, token: t.token, at });
        // Right after the ack, on every instance: the token must be refused.
        await Promise.all(
          ctx.urls.map(async (other, i) => {
            const v = await gql(other, Q.viewer, {}, t.token);
            if (v.data?.viewer) ctx.ledger.acceptedAfterRevoke.push({ instance: i, revokedOn: instance, phase: ctx.phase(), afterMs: Math.round(performance.now() - at) });
          }),
        );
      }
    } else {
      const account = pick(ctx.accounts);
      const grant = Math.random() < 0.5;
      const r = await gql(url, grant ? Q.grant : Q.revokeRole, { u: account.userGid }, ctx.adminToken());
      const outcome = outcomeOf(r, grant ? "grantRole" : "revokeRole");
      record(grant ? "grantRole" : "revokeRole", outcome, false);
      if (outcome === "ok") ctx.ledger.roles.set(account.userId, grant);
    }
  }
}

export { Q };
