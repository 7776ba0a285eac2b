// GraphQL documents of the account lifecycle (verification, reset, email change, erasure, session
// metadata), shared by the tests of those flows.
import { expect } from "vitest";
import type { TestInstance } from "./instance.js";
import type { SmtpServerHandle, ReceivedMail } from "./smtp.js";

const ERROR = "... on Error { __typename message code }";
const CHECK = "... on CheckInbox { message } ... on RateLimitedError { retryAfterSeconds } ... on ValidationError { fieldErrors { path message } }";

export const A = {
  requestVerification: `mutation($email: String!) { requestEmailVerification(email: $email) { __typename ${CHECK} ${ERROR} } }`,
  verifyEmail: `mutation($token: String!) { verifyEmail(token: $token) { __typename ... on EmailVerified { email emailVerifiedAt } ${ERROR} } }`,
  requestReset: `mutation($email: String!) { requestPasswordReset(email: $email) { __typename ${CHECK} ${ERROR} } }`,
  resetPassword: `mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { __typename
    ... on ResetPasswordSuccess { revokedSessionCount } ... on ValidationError { fieldErrors { path message } } ${ERROR} } }`,
  requestEmailChange: `mutation($input: RequestEmailChangeInput!) { requestEmailChange(input: $input) { __typename ${CHECK} ${ERROR} } }`,
  confirmEmailChange: `mutation($token: String!) { confirmEmailChange(token: $token) { __typename ... on EmailChanged { email } ${ERROR} } }`,
  deleteAccount: `mutation($input: DeleteAccountInput!) { deleteAccount(input: $input) { __typename ... on AccountDeleted { deletedUserId } ${ERROR} } }`,
  deleteUser: `mutation($id: ID!) { deleteUser(id: $id) { __typename ... on AccountDeleted { deletedUserId } ${ERROR} } }`,
  updateSessionMetadata: `mutation($id: ID!, $metadata: JSON!) { updateSessionMetadata(id: $id, metadata: $metadata) { __typename
    ... on Session { id metadata } ... on ValidationError { fieldErrors { path message } } ${ERROR} } }`,
} as const;

/** Waits (polling, no sleeps) until `address` has received `count` messages, and returns the newest. */
export async function awaitMail(smtp: SmtpServerHandle, address: string, count = 1): Promise<ReceivedMail> {
  await expect.poll(() => smtp.inbox(address).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(count);
  const mail = smtp.inbox(address)[count - 1];
  if (!mail) throw new Error(`no message ${count} for ${address}`);
  return mail;
}

/**
 * Delivers everything queued so far and waits for it: a message that has not arrived after this was
 * never going to (the outbox is empty and every send was acknowledged).
 */
export async function settleMail(t: TestInstance): Promise<void> {
  await t.app.mail.drain();
  await expect.poll(() => t.db.mailOutbox.count(), { timeout: 15_000 }).toBe(0);
}
