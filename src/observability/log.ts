// Structured JSON logs. Secrets are redacted by path so a careless `log.info({ input })` cannot leak
// them, and error text is scrubbed of anything shaped like a token or a hash, since a library error
// message may quote the values it was given.
import { pino } from "pino";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { bufferedStdout, isoTime } from "./log-output.js";

export type { Logger };

const SECRET_KEYS = [
  "password",
  "currentPassword",
  "newPassword",
  "token",
  "secret",
  "passwordHash",
  "tokenHash",
  "authorization",
  "cookie",
  "variables",
  "ADMIN_PASSWORD",
  "METRICS_TOKEN",
  "AUDIT_IP_KEY",
];

// Top level and two levels down, plus the usual request-header shapes.
const REDACT = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
  "headers.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
];

const SCRUB: [RegExp, string][] = [
  [/\$argon2[a-z]*\$[^\s"'`,)]*/g, "[redacted-hash]"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[A-Za-z0-9_-]{20,}/gi, "[redacted-token]"],
  [/\b[0-9a-f]{64}\b/gi, "[redacted-hex]"],
  [/(bearer\s+)[^\s"'`]+/gi, "$1[redacted]"],
];

export function scrub(text: string): string {
  return SCRUB.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text);
}

function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const plain = pino.stdSerializers.err(err);
  return JSON.parse(scrub(JSON.stringify(plain))) as unknown;
}

/**
 * A child logger that skips redaction, for lines whose every field the caller builds from values that
 * are never secret (the per-request access line): matching the redaction paths costs more than
 * writing the rest of such a line. Error text still goes through the `err` serializer.
 */
export function withoutRedaction(log: Logger): Logger {
  return log.child({}, { redact: { paths: [], censor: "[redacted]" } });
}

export function createLogger(config: Pick<Config, "LOG_LEVEL">, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.LOG_LEVEL,
      base: { service: "authgraph" },
      redact: { paths: REDACT, censor: "[redacted]" },
      serializers: { err: serializeError },
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? bufferedStdout(),
  );
}
