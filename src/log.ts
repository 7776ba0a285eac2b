// Structured JSON logs. Secrets are redacted by path so a careless `log.info({ input })` cannot leak them.
import { pino } from "pino";
import type { Logger } from "pino";
import type { Config } from "./config.js";

export type { Logger };

const REDACT = [
  "password",
  "*.password",
  "*.*.password",
  "currentPassword",
  "*.currentPassword",
  "*.*.currentPassword",
  "newPassword",
  "*.newPassword",
  "*.*.newPassword",
  "token",
  "*.token",
  "*.*.token",
  "passwordHash",
  "*.passwordHash",
  "tokenHash",
  "*.tokenHash",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  "variables",
  "*.variables",
];

export function createLogger(config: Pick<Config, "LOG_LEVEL">, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.LOG_LEVEL,
      base: { service: "authgraph" },
      redact: { paths: REDACT, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
