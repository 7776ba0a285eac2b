// Mail delivery: queued in the transaction of the change (nothing for a rolled-back one), sent after
// commit, retried while SMTP is down and delivered once it is back, given up after MAIL_MAX_ATTEMPTS,
// never sent twice by two instances draining at once; without SMTP_URL, .eml files in a folder.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { describe, expect, test as plain } from "vitest";
import { createLogger } from "../../src/observability/log.js";
import { mailTest } from "../helpers/fixture.js";
import { A, awaitMail, settleMail } from "../helpers/account-ops.js";
import { createTestInstance } from "../helpers/instance.js";
import { Q, mutate, signIn } from "../helpers/session-ops.js";
import { startSmtpServer, tokenIn } from "../helpers/smtp.js";

const test = mailTest();

describe("mail delivery", () => {
  test("a message is sent after its transaction commits, and never for one that rolled back", async ({ t, smtp }) => {
    const email = `rollback-${Date.now()}@example.com`;
    expect((await mutate(t, Q.signUp, { input: { email, password: "a-long-enough-password" } })).__typename).toBe("SignInSuccess");
    const first = await awaitMail(smtp, email);
    expect(first.subject).toBe("Confirm your email address");
    // A second sign-up for the address rolls back (ConflictError): its verification message with it.
    expect((await mutate(t, Q.signUp, { input: { email, password: "another-long-password" } })).__typename).toBe("ConflictError");
    await settleMail(t);
    expect(smtp.inbox(email)).toHaveLength(1);
  });

  test("SMTP down during a request: the request succeeds, and the message is delivered once SMTP is back", async () => {
    const smtp = await startSmtpServer();
    await smtp.stop();
    const t = await createTestInstance({ env: { MAIL_ENABLED: "true", SMTP_URL: smtp.url, MAIL_RETRY_SECONDS: "1" } });
    try {
      const u = await t.signInAs({});
      const r = await mutate(t, A.requestReset, { email: u.email });
      expect(r.__typename).toBe("CheckInbox");
      // The attempt failed and is scheduled again.
      await expect.poll(() => t.db.mailOutbox.findFirst({ select: { attempts: true, lastError: true } }), { timeout: 15_000 }).toMatchObject({
        attempts: expect.any(Number),
        lastError: expect.any(String),
      });
      expect(smtp.messages).toHaveLength(0);

      await smtp.start();
      const mail = await awaitMail(smtp, u.email);
      await settleMail(t);
      expect(smtp.inbox(u.email)).toHaveLength(1);
      expect(mail.subject).toBe("Reset your password");
      const reset = await mutate(t, A.resetPassword, { input: { token: tokenIn(mail), newPassword: "a-brand-new-password" } });
      expect(reset.__typename).toBe("ResetPasswordSuccess");
    } finally {
      await t.close();
      await smtp.stop();
    }
  });

  test("gives a message up after MAIL_MAX_ATTEMPTS with a MAIL_UNDELIVERABLE event", async () => {
    const smtp = await startSmtpServer();
    await smtp.stop();
    const t = await createTestInstance({ env: { MAIL_ENABLED: "true", SMTP_URL: smtp.url, MAIL_RETRY_SECONDS: "1", MAIL_MAX_ATTEMPTS: "2" } });
    try {
      const u = await t.signInAs({});
      await mutate(t, A.requestReset, { email: u.email });
      await expect.poll(() => t.db.auditEvent.count({ where: { type: "MAIL_UNDELIVERABLE" } }), { timeout: 15_000 }).toBe(1);
      expect(await t.db.mailOutbox.count()).toBe(0);
      const event = await t.db.auditEvent.findFirstOrThrow({ where: { type: "MAIL_UNDELIVERABLE" } });
      expect(event.metadata).toEqual({ kind: "password_reset", attempts: 2 });
    } finally {
      await t.close();
      await smtp.stop();
    }
  });

  test("two instances draining the same outbox send each message once", async ({ t, smtp }) => {
    const sibling = await t.sibling();
    const addresses = Array.from({ length: 12 }, (_, i) => `drain-${i}-${Date.now()}@example.com`);
    // Queued without a kick, so the two drains below are the only senders.
    await t.db.$transaction(async (tx) => {
      for (const email of addresses) await t.app.mail.enqueue(tx, { kind: "sign_up_existing", to: email });
    });
    await Promise.all([t.app.mail.drain(), sibling.app.mail.drain(), t.app.mail.drain(), sibling.app.mail.drain()]);
    await settleMail(t);
    for (const email of addresses) expect(smtp.inbox(email)).toHaveLength(1);
  });

  test("the message names its sender and carries the token in a link fragment and as text", async ({ t, smtp }) => {
    const u = await t.signInAs({});
    await mutate(t, A.requestReset, { email: u.email });
    const mail = await awaitMail(smtp, u.email);
    expect(mail.from).toBe("no-reply@authgraph.local");
    const token = tokenIn(mail);
    expect(mail.text).toContain(`http://127.0.0.1:4000/account/reset-password#token=${token}`);
    expect(mail.html).toContain(`reset-password#token=${token}`);
  });

  test("MAIL_ENABLED=false: the mail requests answer MailDisabledError and queue nothing", async ({ t }) => {
    const off = await t.sibling({ MAIL_ENABLED: "false" });
    const member = await off.signInAs({});
    expect(await mutate(off, A.requestReset, { email: member.email })).toMatchObject({ __typename: "MailDisabledError", code: "MAIL_DISABLED" });
    expect((await mutate(off, A.requestVerification, { email: member.email })).__typename).toBe("MailDisabledError");
    const change = await mutate(off, A.requestEmailChange, { input: { newEmail: "elsewhere@example.com", currentPassword: member.password } }, member.token);
    expect(change.__typename).toBe("MailDisabledError");
    expect(await off.db.mailOutbox.count()).toBe(0);
  });
});

plain("without SMTP_URL, each message is an .eml file in MAIL_OUTBOX_DIR and one log line names it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "authgraph-eml-"));
  const lines: string[] = [];
  const log = createLogger({ LOG_LEVEL: "info" }, { write: (line: string) => void lines.push(line) });
  const t = await createTestInstance({ env: { MAIL_ENABLED: "true", MAIL_OUTBOX_DIR: dir }, log });
  try {
    const u = await t.signInAs({});
    await mutate(t, A.requestReset, { email: u.email });
    await settleMail(t);
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const path = join(dir, files[0] ?? "");
    const parsed = await simpleParser(await readFile(path));
    expect(parsed.subject).toBe("Reset your password");
    expect(parsed.text).toMatch(/#token=[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}/);
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; path?: string }).filter((l) => l.msg === "mail written to the development outbox");
    expect(logged.map((l) => l.path)).toEqual([path]);
    // The log names the file, never the token inside it.
    const token = /#token=([^\s]+)/.exec(parsed.text ?? "")?.[1] ?? "missing";
    expect(lines.join("\n")).not.toContain(token.split(".")[1]);
    expect((await signIn(t, u.email, u.password)).__typename).toBe("SignInSuccess");
  } finally {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  }
});
