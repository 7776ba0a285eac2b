// The one place a sign-in succeeds, whatever proved it (a password, a password and a second factor, a
// passkey): the lockout count is cleared, the session is created recording how it was authenticated,
// SIGN_IN_SUCCEEDED is written in the same transaction, then the attempt windows are given back and
// the source is remembered. Issuing the session to the client (a token today) happens here only.
import type { App, RequestMeta } from "../../app.js";
import { invalidate } from "../../cache/invalidation.js";
import { keys } from "../../cache/keys.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { SessionAuth } from "../sessions/session.js";
import { issueSession, newSessionRow } from "../sessions/start.js";
import type { NewSession } from "../sessions/start.js";
import type { UserRecord } from "../users/user.js";

export interface SignInResult extends NewSession {
  user: UserRecord;
}

export interface SignedInUser {
  id: string;
  /** The account key of the attempt windows (the normalised email). */
  email: string;
  /** The attempt was counted against a known source: a stranger's lock on the account stays. */
  knownSource: boolean;
  /**
   * The count this attempt's reservation brought its counter to (the known source's when
   * `knownSource`, else the account's). A success clears the failures up to and including its own;
   * attempts reserved after it (concurrent ones) still count. Unset: all are cleared.
   */
  reservedCount?: number;
}

type NewSessionRow = ReturnType<typeof newSessionRow>["row"];

/**
 * The success write, one statement: the user's sign-in columns (the lockout count cleared unless the
 * attempt was counted against a known source), the new session row and its audit event (`audit`, an
 * audit_write call). Returns the user as updated.
 */
async function writeSignIn(db: Pick<Prisma.TransactionClient, "$queryRaw">, who: SignedInUser, s: NewSessionRow, audit: Prisma.Sql): Promise<UserRecord> {
  const clear = !who.knownSource;
  const upTo = (who.knownSource ? undefined : who.reservedCount) ?? 2_147_483_647;
  const [user] = await db.$queryRaw<UserRecord[]>`
    WITH u AS (
      UPDATE users SET
        failed_login_count = CASE WHEN ${clear}::boolean THEN GREATEST(failed_login_count - ${upTo}::int, 0) ELSE failed_login_count END,
        locked_until = CASE WHEN ${clear}::boolean AND failed_login_count <= ${upTo}::int THEN NULL ELSE locked_until END,
        last_login_at = ${s.createdAt}::timestamptz, updated_at = ${new Date()}::timestamptz
      WHERE id = ${who.id}::uuid
      RETURNING *
    ), s AS (
      INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at, absolute_expires_at, ip, user_agent, auth_methods, mfa_at)
      SELECT ${s.id}::uuid, ${s.tokenHash}, u.id, ${s.createdAt}::timestamptz, ${s.lastSeenAt}::timestamptz, ${s.expiresAt}::timestamptz,
             ${s.absoluteExpiresAt}::timestamptz, ${s.ip}, ${s.userAgent}, ${s.authMethods}::text[], ${s.mfaAt}::timestamptz
      FROM u
      RETURNING id
    ), a AS (
      SELECT ${audit} AS event_id FROM s
    )
    SELECT u.id::text AS id, u.email, u.name, u.status::text AS status, u.failed_login_count AS "failedLoginCount",
           u.locked_until AS "lockedUntil", u.last_login_at AS "lastLoginAt", u.email_verified_at AS "emailVerifiedAt",
           u.created_at AS "createdAt", u.updated_at AS "updatedAt"
    FROM u, s, a`;
  // The account was deleted between the password check and here: nobody to sign in.
  if (!user) throw new Error("the signed-in user no longer exists");
  return user;
}

export async function finishSignIn(
  app: App,
  who: SignedInUser,
  auth: SessionAuth,
  request: RequestMeta,
  /** Runs first in the transaction (e.g. consuming the challenge that led here); throwing aborts the sign-in. */
  before?: (tx: Prisma.TransactionClient) => Promise<void>,
): Promise<SignInResult> {
  const { secret, row } = newSessionRow(app, who.id, request, auth);
  const { tokenHash: _hash, ...session } = { ...row, revokedAt: null, metadata: null };
  const audit = app.audit.writeSql(
    { type: "SIGN_IN_SUCCEEDED", actorUserId: who.id, subjectUserId: who.id, sessionId: session.id, metadata: { methods: [...auth.methods] } },
    request,
  );
  // Without a step to run first, one statement is the whole write (atomic without a transaction).
  const result = before
    ? await app.db.prisma.$transaction(async (tx) => {
        await before(tx);
        const user = await writeSignIn(tx, who, row, audit);
        return { ...issueSession(app, tx, session, secret), user };
      })
    : await writeSignIn(app.db.prisma, who, row, audit).then((user) => ({ ...issueSession(app, null, session, secret), user }));
  app.audit.linker.poke();
  await Promise.all([app.loginLimiter.release(who.email, request.ip), app.lockout.remember(who, request.ip, who.knownSource ? who.reservedCount : undefined), invalidate(app, { keys: [keys.user(who.id)] })]);
  return result;
}
