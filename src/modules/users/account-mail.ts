// What the account flows mail, and the one shape of a mail request. A request (verification or
// password reset) does the same work whether or not an account has the address: reserve against the
// per-address and per-IP windows, queue the request and record it, in one transaction. Which account
// it concerns is only looked up when the message is composed, after the response, so the answer and
// its timing cannot tell known addresses from unknown ones.
import type { App, RequestMeta } from "../../app.js";
import type { AuditEventType } from "../../generated/prisma/enums.js";
import type { AccountTokenPurpose } from "../../generated/prisma/enums.js";
import { MailDisabledError, RateLimitedError } from "../../errors.js";
import { emailSchema, parseInput } from "../../validation.js";
import type { Composer, MailDeps } from "../mail/delivery.js";
import type { OutboxRow } from "../mail/outbox.js";
import { renderMail } from "../mail/templates.js";
import type { MailKind } from "../mail/templates.js";
import { describeTtl, issueAccountToken, tokenLink, tokenTtlSeconds } from "./account-tokens.js";

/** The answer to every mail request: the same words whatever happened. */
export interface CheckInbox {
  message: string;
}

export const CHECK_INBOX: CheckInbox = { message: "If an account uses this address and may receive this message, it is on its way." };

export function assertMailEnabled(app: Pick<App, "config">): void {
  if (!app.config.MAIL_ENABLED) throw new MailDisabledError();
}

/** The mail windows; over them, the refusal is recorded and RateLimitedError thrown. */
export async function reserveMail(app: App, purpose: AccountTokenPurpose, email: string, request: RequestMeta): Promise<void> {
  const wait = await app.loginLimiter.reserveMail(email, request.ip);
  if (wait === 0) return;
  await app.db.prisma.$transaction((tx) => app.audit.record(tx, { type: "ACCOUNT_MAIL_RATE_LIMITED", metadata: { purpose, email, retryAfterSeconds: wait } }, request));
  throw new RateLimitedError(wait);
}

/** A mail request by address (no session): verification or reset. */
export async function requestByAddress(
  app: App,
  flow: { kind: MailKind; purpose: AccountTokenPurpose; event: AuditEventType },
  input: { email: string },
  request: RequestMeta,
): Promise<CheckInbox> {
  assertMailEnabled(app);
  const email = parseInput(emailSchema, input.email, "email");
  await reserveMail(app, flow.purpose, email, request);
  await app.db.prisma.$transaction(async (tx) => {
    await app.mail.enqueue(tx, { kind: flow.kind, to: email });
    await app.audit.record(tx, { type: flow.event, metadata: { email } }, request);
  });
  app.mail.kick();
  return CHECK_INBOX;
}

const TOKEN_PURPOSE = { verify_email: "VERIFY_EMAIL", password_reset: "RESET_PASSWORD", email_change_confirm: "CHANGE_EMAIL" } as const;
type TokenKind = keyof typeof TOKEN_PURPOSE;

/**
 * Composes a token message: finds the account it is for (by id for an email change, else by the
 * address), decides whether it may have one, mints the token and records that it was issued, in one
 * transaction. Null (nothing sent) when no eligible account has the address.
 */
function tokenComposer(kind: TokenKind): Composer {
  const purpose = TOKEN_PURPOSE[kind];
  return async (deps: MailDeps, row: OutboxRow) => {
    const { config, clock } = deps;
    const now = clock.now();
    // An email change names its account; the other requests were queued without looking one up.
    const where = kind === "email_change_confirm" ? (row.userId ? { id: row.userId } : null) : { email: row.toAddress };
    if (!where) return null;
    const token = await deps.db.prisma.$transaction(async (tx) => {
      const user = await tx.user.findUnique({ where, select: { id: true, status: true, emailVerifiedAt: true } });
      if (!user || user.status !== "ACTIVE") return null;
      if (kind === "verify_email" && user.emailVerifiedAt) return null;
      // A new address someone else holds by now: no confirmation (the change would only conflict).
      if (kind === "email_change_confirm" && (await tx.user.count({ where: { email: row.toAddress } })) > 0) return null;
      const issued = await issueAccountToken(tx, config, now, { userId: user.id, purpose, email: row.toAddress });
      await deps.audit.record(tx, { type: "ACCOUNT_TOKEN_ISSUED", subjectUserId: user.id, metadata: { purpose } }, null);
      return issued;
    });
    if (!token) return null;
    const content = { link: tokenLink(config, purpose, token), token, validFor: describeTtl(tokenTtlSeconds(config, purpose)) };
    return { to: row.toAddress, ...renderMail({ kind, ...content }) };
  };
}

export const ACCOUNT_MAIL_COMPOSERS: Partial<Record<MailKind, Composer>> = {
  verify_email: tokenComposer("verify_email"),
  password_reset: tokenComposer("password_reset"),
  email_change_confirm: tokenComposer("email_change_confirm"),
};
