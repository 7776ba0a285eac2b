// Where account mail goes: an SMTP server through nodemailer (SMTP_URL; TLS as nodemailer does it:
// smtps:// from the start, smtp:// upgraded with STARTTLS when the server offers it), or, when
// SMTP_URL is unset (development only; config refuses it in production), one .eml file per message
// in MAIL_OUTBOX_DIR plus one log line with its path.
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createTransport } from "nodemailer";
import type { Config } from "../../config.js";
import type { Logger } from "../../observability/log.js";

export interface OutgoingMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Where messages go, safe to log (no credentials). */
  readonly target: string;
  /** Resolves once the server accepted the message (or the file is written); rejects otherwise. */
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

type MailConfig = Pick<Config, "SMTP_URL" | "MAIL_FROM" | "MAIL_OUTBOX_DIR">;

// nodemailer's defaults (2 min to connect, 10 min idle) would hold a delivery round for minutes when
// the server is unreachable; a message that times out is simply retried later. The URL may override.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

function smtpMailer(url: string, from: string): Mailer {
  const transport = createTransport({ ...SMTP_TIMEOUTS, url });
  const { hostname, port, protocol } = new URL(url);
  return {
    target: `${protocol}//${hostname}${port ? `:${port}` : ""}`,
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
    close: () => transport.close(),
  };
}

function fileMailer(dir: string, from: string, log: Logger): Mailer {
  // streamTransport renders the exact bytes an SMTP server would receive.
  const transport = createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const folder = resolve(dir);
  return {
    target: `file://${folder}`,
    async send(message) {
      const info = await transport.sendMail({ from, ...message });
      await mkdir(folder, { recursive: true });
      const path = join(folder, `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(4).toString("hex")}.eml`);
      await writeFile(path, info.message);
      log.info({ path, to: message.to, subject: message.subject }, "mail written to the development outbox");
    },
    close: () => transport.close(),
  };
}

export function createMailer(config: MailConfig, log: Logger): Mailer {
  return config.SMTP_URL ? smtpMailer(config.SMTP_URL, config.MAIL_FROM) : fileMailer(config.MAIL_OUTBOX_DIR, config.MAIL_FROM, log);
}
