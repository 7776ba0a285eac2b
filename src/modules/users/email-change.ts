// Changing the account's address: the current password, then a confirmation to the new address and
// a notice to the old one; the change happens when the confirmation's token comes back. The unique
// index on users.email decides every race: two accounts claiming one address (or a sign-up taking
// it meanwhile) end in ConflictError for all but one, never in two accounts sharing it.
import { z } from "zod";
import type { App, RequestMeta } from "../../app.js";
import { ValidationError } from "../../errors.js";
import { conflictOnDuplicate } from "../../db/conflicts.js";
import { emailSchema, enteredPasswordSchema, parseInput, perConfig } from "../../validation.js";
import { actorFields } from "../audit/recorder.js";
import { confirmPassword } from "../credentials/confirm-password.js";
import type { Viewer } from "../sessions/session.js";
import { CHECK_INBOX, assertMailEnabled, reserveMail } from "./account-mail.js";
import type { CheckInbox } from "./account-mail.js";
import { consumeOutstandingTokens, consumeToken, findUsableToken } from "./account-tokens.js";
import { invalidateUser } from "./admin.js";
import { lockUser } from "./user.js";
import { rejectToken } from "./verification.js";

/**
 * Whether the new address is taken is not said here (that would make this an address oracle for
 * anyone with a session): the confirmation is simply not sent then (account-mail.ts).
 */
const emailChangeInput = perConfig((config) => z.object({ newEmail: emailSchema, currentPassword: enteredPasswordSchema(config) }));

export async function requestEmailChange(app: App, viewer: Viewer, input: { newEmail: string; currentPassword: string }, request: RequestMeta): Promise<CheckInbox> {
  assertMailEnabled(app);
  const data = parseInput(emailChangeInput(app.config), input);
  if (data.newEmail === viewer.user.email) throw new ValidationError([{ path: "input.newEmail", message: "is already the address of this account" }]);
  await confirmPassword(app, viewer, data.currentPassword, "EMAIL_CHANGE_FAILED", request);
  await reserveMail(app, "CHANGE_EMAIL", data.newEmail, request);
  await app.db.prisma.$transaction(async (tx) => {
    await app.mail.enqueue(tx, { kind: "email_change_confirm", to: data.newEmail, userId: viewer.user.id });
    await app.mail.enqueue(tx, { kind: "email_change_notice", to: viewer.user.email, userId: viewer.user.id, params: { newAddress: data.newEmail } });
    const metadata = { email: data.newEmail, previousEmail: viewer.user.email };
    await app.audit.record(tx, { type: "EMAIL_CHANGE_REQUESTED", ...actorFields(viewer), subjectUserId: viewer.user.id, metadata }, request);
  });
  app.mail.kick();
  return CHECK_INBOX;
}

export interface EmailChanged {
  email: string;
}

export async function confirmEmailChange(app: App, token: string, request: RequestMeta): Promise<EmailChanged> {
  const now = app.clock.now();
  const record = await findUsableToken(app.db.prisma, "CHANGE_EMAIL", token, now);
  if (!record) return rejectToken(app, "CHANGE_EMAIL", "unusable", null, request);
  const changed = await conflictOnDuplicate(
    () =>
      app.db.prisma.$transaction(async (tx) => {
        const user = await lockUser(tx, record.userId);
        if (user.status !== "ACTIVE" || !(await consumeToken(tx, record.id, now))) return null;
        // Every other token was mailed for the old address: none of them may act on the new one.
        await consumeOutstandingTokens(tx, user.id, now);
        await tx.user.update({ where: { id: user.id }, data: { email: record.email, emailVerifiedAt: now } });
        const metadata = { email: record.email, previousEmail: user.email };
        await app.audit.record(tx, { type: "EMAIL_CHANGED", actorUserId: user.id, subjectUserId: user.id, metadata }, request);
        return { email: record.email };
      }),
    "Another account uses this email address now.",
    async () => {
      await app.db.prisma.$transaction((tx) =>
        app.audit.record(tx, { type: "EMAIL_CHANGE_FAILED", subjectUserId: record.userId, metadata: { reason: "address_taken" } }, request),
      );
    },
  );
  if (!changed) return rejectToken(app, "CHANGE_EMAIL", "superseded", record, request);
  await invalidateUser(app, record.userId, []);
  return changed;
}

