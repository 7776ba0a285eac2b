// The account lifecycle through the generated client against a real server process, with its mail
// read from an SMTP server in this process: verification, metadata, email change, reset, deletion.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfirmEmailChangeDocument,
  DeleteAccountDocument,
  DeleteUserDocument,
  MySessionMetadataDocument,
  RequestEmailChangeDocument,
  RequestEmailVerificationDocument,
  RequestPasswordResetDocument,
  ResetPasswordDocument,
  SignInDocument,
  SignUpDocument,
  UpdateSessionMetadataDocument,
  VerifyEmailDocument,
  createClient,
} from "../../client/index.js";
import type { Client } from "../../client/index.js";
import { TEST_ADMIN } from "../helpers/pg.js";
import { startServer } from "../helpers/server.js";
import type { TestServer } from "../helpers/server.js";
import { startSmtpServer, tokenIn } from "../helpers/smtp.js";
import type { SmtpServerHandle } from "../helpers/smtp.js";

let server: TestServer;
let smtp: SmtpServerHandle;

beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startServer({ env: { MAIL_ENABLED: "true", SMTP_URL: smtp.url } });
});
afterAll(async () => {
  await server?.close();
  await smtp?.stop();
});

async function mailTo(address: string, count: number): Promise<string> {
  await expect.poll(() => smtp.inbox(address).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(count);
  return tokenIn(smtp.inbox(address)[count - 1]);
}

async function signedIn(email: string, password: string): Promise<Client> {
  const client = createClient({ url: `${server.url}/graphql` });
  const { signIn } = await client.request(SignInDocument, { input: { email, password } });
  if (signIn.__typename !== "SignInSuccess") throw new Error(`sign-in: ${signIn.__typename}`);
  client.setToken(signIn.token);
  return client;
}

describe("account operations through the generated client", () => {
  it("verify, keep session metadata, change the address, reset the password, delete the account", async () => {
    const url = `${server.url}/graphql`;
    const email = `lifecycle-${Date.now()}@example.com`;
    const member = createClient({ url });
    const { signUp } = await member.request(SignUpDocument, { input: { email, password: "member-password-123" } });
    if (signUp.__typename !== "SignInSuccess") throw new Error(`sign-up: ${signUp.__typename}`);
    member.setToken(signUp.token);

    const again = await member.request(RequestEmailVerificationDocument, { email });
    expect(again.requestEmailVerification.__typename).toBe("CheckInbox");
    const { verifyEmail } = await member.request(VerifyEmailDocument, { token: await mailTo(email, 1) });
    expect(verifyEmail).toMatchObject({ __typename: "EmailVerified", email });

    const { updateSessionMetadata } = await member.request(UpdateSessionMetadataDocument, { id: signUp.session.id, metadata: { theme: "dark" } });
    expect(updateSessionMetadata).toMatchObject({ __typename: "Session", metadata: { theme: "dark" } });
    const mine = await member.request(MySessionMetadataDocument);
    expect(mine.viewer?.session.metadata).toEqual({ theme: "dark" });
    expect(mine.viewer?.user.emailVerifiedAt).toEqual(verifyEmail.__typename === "EmailVerified" ? verifyEmail.emailVerifiedAt : "");

    const moved = `moved-${Date.now()}@example.com`;
    const change = await member.request(RequestEmailChangeDocument, { input: { newEmail: moved, currentPassword: "member-password-123" } });
    expect(change.requestEmailChange.__typename).toBe("CheckInbox");
    const { confirmEmailChange } = await member.request(ConfirmEmailChangeDocument, { token: await mailTo(moved, 1) });
    expect(confirmEmailChange).toEqual({ __typename: "EmailChanged", email: moved });

    const anonymous = createClient({ url });
    expect((await anonymous.request(RequestPasswordResetDocument, { email: moved })).requestPasswordReset.__typename).toBe("CheckInbox");
    const { resetPassword } = await anonymous.request(ResetPasswordDocument, { input: { token: await mailTo(moved, 2), newPassword: "reset-password-456" } });
    expect(resetPassword).toEqual({ __typename: "ResetPasswordSuccess", revokedSessionCount: 1 });

    const fresh = await signedIn(moved, "reset-password-456");
    const { deleteAccount } = await fresh.request(DeleteAccountDocument, { input: { currentPassword: "reset-password-456" } });
    expect(deleteAccount.__typename).toBe("AccountDeleted");
    await expect
      .poll(() => smtp.inbox(moved).map((m) => m.subject), { timeout: 15_000 })
      .toEqual(["Confirm your new email address", "Reset your password", "Your account was deleted"]);

    const other = createClient({ url });
    const { signUp: second } = await other.request(SignUpDocument, { input: { email: `doomed-${Date.now()}@example.com`, password: "member-password-123" } });
    if (second.__typename !== "SignInSuccess") throw new Error(`sign-up: ${second.__typename}`);
    const admin = await signedIn(TEST_ADMIN.email, TEST_ADMIN.password);
    const { deleteUser } = await admin.request(DeleteUserDocument, { id: second.user.id });
    expect(deleteUser).toEqual({ __typename: "AccountDeleted", deletedUserId: second.user.id });
  });
});
