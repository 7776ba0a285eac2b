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

const UNAVAILABLE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "AG_TIMEOUT"]);
// pg's own messages for a lost connection, a pool wait past connectionTimeoutMillis, and query_timeout.
const UNAVAILABLE_MESSAGES = /^(?:Connection terminated(?: unexpectedly| due to connection timeout)?|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)$/;
// Prisma: can't reach / timed out / server closed the connection / pool timeout / transaction could not start in time.
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
const UNAVAILABLE_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

/** SQLSTATE: connection exception (08…), shutting down / cannot connect now (57P0…), too many connections. */
const unavailableSqlState = (code: string): boolean => code.startsWith("08") || /^57P0[1-3]$/.test(code) || code === "53300";

/**
 * True when `err` (or what it wraps) says the database cannot be reached or could not serve in time:
 * a condition that passes (a restart, a failover, overload), not a bug or a bad request.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (depth > 5 || err === null || typeof err !== "object") return false;
  if (err instanceof AggregateError && err.errors.some((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  const e = err as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; meta?: unknown; kind?: unknown };
  const code = typeof e.code === "string" ? e.code : undefined;
  if (code && UNAVAILABLE_SOCKET_CODES.has(code)) return true;
  if (typeof e.message === "string" && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  if (e.name === "PrismaClientInitializationError") return true;
  if (code && e.name === "PrismaClientKnownRequestError" && UNAVAILABLE_PRISMA_CODES.has(code)) return true;
  // A DatabaseError from pg (severity set) or an adapter error's cause.
  if (code && "severity" in e && unavailableSqlState(code)) return true;
  if (typeof e.kind === "string") {
    if (UNAVAILABLE_ADAPTER_KINDS.has(e.kind)) return true;
    if (e.kind === "postgres" && typeof e.code === "string" && unavailableSqlState(e.code)) return true;
  }
  const meta = e.meta as { driverAdapterError?: unknown } | undefined;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(meta?.driverAdapterError, depth + 1);
}
