// A real SMTP server in this process (the `smtp-server` package) for tests that read what the
// gateway mails: every message is parsed (mailparser) and kept. It can be stopped and started again
// on the same port, to play an SMTP outage.
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
}

export interface SmtpServerHandle {
  readonly port: number;
  readonly url: string;
  readonly messages: ReceivedMail[];
  /** Messages to `address`, oldest first. */
  inbox(address: string): ReceivedMail[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The `<id>.<secret>` token a message carries in its text part. */
export function tokenIn(mail: ReceivedMail | undefined): string {
  const match = /#token=([0-9a-f-]{36}\.[A-Za-z0-9_-]{43})/.exec(mail?.text ?? "");
  if (!match?.[1]) throw new Error(`no token in ${JSON.stringify(mail?.text)}`);
  return match[1];
}

function createServer(messages: ReceivedMail[]): SMTPServer {
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          messages.push({
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            from: typeof session.envelope.mailFrom === "object" ? session.envelope.mailFrom.address : "",
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : "",
          });
          callback();
        })
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    },
  });
}

export async function startSmtpServer(): Promise<SmtpServerHandle> {
  const messages: ReceivedMail[] = [];
  let server: SMTPServer | null = null;
  let port = 0;
  const handle: SmtpServerHandle = {
    get port() {
      return port;
    },
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    messages,
    inbox: (address) => messages.filter((m) => m.to.includes(address.toLowerCase())),
    async start() {
      if (server) return;
      const s = createServer(messages);
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(port, "127.0.0.1", () => resolve());
      });
      const address = s.server.address();
      if (address && typeof address === "object") port = address.port;
      server = s;
    },
    async stop() {
      const s = server;
      server = null;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
  await handle.start();
  return handle;
}
