// Describing a PostgreSQL target and why a connection to it failed, in one short line without the
// password.
import { parse as parseConnectionString } from "pg-connection-string";

export interface Target {
  hostPort: string;
  database: string;
  password: string | undefined;
}

export function describeTarget(url: string): Target {
  const parsed = parseConnectionString(url);
  const host = parsed.host ?? "localhost";
  const port = parsed.port ?? "5432";
  const hostPort = host.startsWith("/") ? `${host} (port ${port})` : host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return { hostPort, database: parsed.database ?? "", password: parsed.password ?? undefined };
}

const SOCKET_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by the server",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  ENOENT: "no such socket file",
};

/** One short line, password removed, for why a connection or query failed. */
export function connectionFailureReason(err: unknown, password?: string): string {
  // Node's happy-eyeballs connect reports an AggregateError whose `code` is the first attempt's.
  const first = err instanceof AggregateError && err.errors[0] instanceof Error ? err.errors[0] : err;
  const code = (first as { code?: unknown } | null)?.code ?? (err as { code?: unknown } | null)?.code;
  const message = first instanceof Error ? first.message : String(first);
  let reason: string;
  if (typeof code === "string" && SOCKET_REASONS[code]) reason = SOCKET_REASONS[code];
  else if (code === "AG_TIMEOUT") reason = message;
  else if (/connection timeout|timeout exceeded when trying to connect/i.test(message)) reason = "timed out connecting";
  else reason = message || "unknown error";
  reason = reason.split("\n")[0] ?? reason;
  return password ? reason.split(password).join("***") : reason;
}
