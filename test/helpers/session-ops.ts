// GraphQL documents and small helpers shared by the sessions, credentials and audit tests, so
// each file asserts behaviour instead of repeating selection sets.
import type { TestInstance } from "./instance.js";

const ERROR = "... on Error { __typename message code }";
const SESSION = "id createdAt lastSeenAt expiresAt revokedAt ip userAgent current active";

export const Q = {
  viewer: `{ viewer { session { ${SESSION} } user { id email } } }`,
  signIn: `mutation($input: SignInInput!) { signIn(input: $input) { __typename
    ... on SignInSuccess { token session { ${SESSION} } user { id email name status } }
    ... on RateLimitedError { retryAfterSeconds }
    ... on AccountLockedError { lockedUntil }
    ... on ValidationError { fieldErrors { path message } }
    ${ERROR} } }`,
  signUp: `mutation($input: SignUpInput!) { signUp(input: $input) { __typename
    ... on SignInSuccess { token session { ${SESSION} } user { id email name status } }
    ... on RateLimitedError { retryAfterSeconds }
    ... on ValidationError { fieldErrors { path message } }
    ${ERROR} } }`,
  refresh: `mutation { refreshSession { __typename ... on Session { ${SESSION} } ${ERROR} } }`,
  signOut: `mutation { signOut { __typename ... on SignOutSuccess { ok } ${ERROR} } }`,
  revoke: `mutation($id: ID!) { revokeSession(id: $id) { __typename ... on Session { ${SESSION} } ${ERROR} } }`,
  revokeAll: `mutation($userId: ID!, $keepCurrent: Boolean) { revokeAllSessions(userId: $userId, keepCurrent: $keepCurrent) { __typename
    ... on RevokeAllSessionsSuccess { revokedCount } ${ERROR} } }`,
  changePassword: `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { __typename
    ... on ChangePasswordSuccess { revokedSessionCount }
    ... on ValidationError { fieldErrors { path message } }
    ... on RateLimitedError { retryAfterSeconds }
    ${ERROR} } }`,
  cleanup: `mutation { cleanupExpiredSessions { __typename ... on CleanupExpiredSessionsSuccess { deletedCount } ${ERROR} } }`,
} as const;

export interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  revokedAt: string | null;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
  active: boolean;
}

/** A union result: `__typename` plus whichever member's fields were selected. */
export interface Result {
  __typename: string;
  message?: string;
  code?: string;
  token?: string;
  session?: SessionView;
  user?: { id: string; email: string; name: string; status: string };
  retryAfterSeconds?: number;
  lockedUntil?: string;
  fieldErrors?: { path: string; message: string }[];
  revokedCount?: number;
  revokedSessionCount?: number;
  deletedCount?: number;
  ok?: boolean;
  id?: string;
  revokedAt?: string | null;
  active?: boolean;
}

export type Viewer = { session: SessionView; user: { id: string; email: string } } | null;

/** Runs a mutation and returns its single root field, failing loudly on GraphQL-level errors. */
export async function mutate(t: TestInstance, doc: string, vars: Record<string, unknown> = {}, token?: string | null, headers?: Record<string, string>): Promise<Result> {
  const res = await t.gql<Record<string, Result>>(doc, vars, { token: token ?? null, ...(headers ? { headers } : {}) });
  if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  const data = res.data ?? {};
  const first = Object.values(data)[0];
  if (!first) throw new Error(`no data: ${JSON.stringify(res)}`);
  return first;
}

export async function viewer(t: TestInstance, token: string | null): Promise<Viewer> {
  const res = await t.gql<{ viewer: Viewer }>(Q.viewer, {}, { token });
  if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data?.viewer ?? null;
}

export function signIn(t: TestInstance, email: string, password: string, headers?: Record<string, string>): Promise<Result> {
  return mutate(t, Q.signIn, { input: { email, password } }, null, headers);
}

/** Audit event types in id order, optionally only those after `sinceId`. */
export async function auditTypes(t: TestInstance, sinceId = 0n): Promise<string[]> {
  const rows = await t.db.auditEvent.findMany({ where: { id: { gt: sinceId } }, orderBy: { id: "asc" }, select: { type: true } });
  return rows.map((r) => r.type);
}

/** The id of the newest audit event (0n when none), to look only at what a step adds. */
export async function lastAuditId(t: TestInstance): Promise<bigint> {
  const row = await t.db.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return row?.id ?? 0n;
}

/** Statements of the last request that touched the sessions table with an UPDATE. */
export function sessionUpdates(t: TestInstance): string[] {
  return t.statements.log.filter((sql) => /^\s*UPDATE\s+"public"\."sessions"/i.test(sql));
}

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;
