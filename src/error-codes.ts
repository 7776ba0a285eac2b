// One registry of expected-error codes: every code a client can see, in `extensions.code` or as a
// typed result's `code`. The error classes that carry them are in errors.ts.

export const ErrorCode = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  VALIDATION_FAILED: "VALIDATION_FAILED",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  RATE_LIMITED: "RATE_LIMITED",
  ACCOUNT_LOCKED: "ACCOUNT_LOCKED",
  SIGN_UP_DISABLED: "SIGN_UP_DISABLED",
  EMAIL_NOT_VERIFIED: "EMAIL_NOT_VERIFIED",
  INVALID_TOKEN: "INVALID_TOKEN",
  MAIL_DISABLED: "MAIL_DISABLED",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  LAST_ADMIN: "LAST_ADMIN",
  ROLE_IN_USE: "ROLE_IN_USE",
  INVALID_ID: "INVALID_ID",
  INVALID_CURSOR: "INVALID_CURSOR",
  PAGE_SIZE_EXCEEDED: "PAGE_SIZE_EXCEEDED",
  QUERY_TOO_COMPLEX: "QUERY_TOO_COMPLEX",
  QUERY_TOO_DEEP: "QUERY_TOO_DEEP",
  TOO_MANY_ALIASES: "TOO_MANY_ALIASES",
  TOO_MANY_TOKENS: "TOO_MANY_TOKENS",
  TOO_MANY_FIELDS: "TOO_MANY_FIELDS",
  TOO_MANY_DIRECTIVES: "TOO_MANY_DIRECTIVES",
  BATCH_TOO_LARGE: "BATCH_TOO_LARGE",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  CSRF_REJECTED: "CSRF_REJECTED",
  BAD_REQUEST: "BAD_REQUEST",
  /** The document is not GraphQL (graphql-js' syntax error). */
  GRAPHQL_PARSE_FAILED: "GRAPHQL_PARSE_FAILED",
  /** The document does not fit the schema (graphql-js' validation). */
  GRAPHQL_VALIDATION_FAILED: "GRAPHQL_VALIDATION_FAILED",
  /** Several operations in the document and no (or an unknown) `operationName`. */
  OPERATION_RESOLUTION_FAILURE: "OPERATION_RESOLUTION_FAILURE",
  /** An operation type this server does not execute (subscriptions). */
  OPERATION_NOT_SUPPORTED: "OPERATION_NOT_SUPPORTED",
  /** A persisted operation id that is not in the manifest. */
  PERSISTED_QUERY_NOT_FOUND: "PERSISTED_QUERY_NOT_FOUND",
  /** A document that is not in the manifest while PERSISTED_OPERATIONS=only. */
  PERSISTED_QUERY_ONLY: "PERSISTED_QUERY_ONLY",
  INTROSPECTION_DISABLED: "INTROSPECTION_DISABLED",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  STEP_UP_REQUIRED: "STEP_UP_REQUIRED",
  INVALID_SECOND_FACTOR: "INVALID_SECOND_FACTOR",
  MFA_CHALLENGE_INVALID: "MFA_CHALLENGE_INVALID",
  MFA_NOT_CONFIGURED: "MFA_NOT_CONFIGURED",
  /** A live stream over the per-user or per-instance limit. */
  TOO_MANY_STREAMS: "TOO_MANY_STREAMS",
  /** A live stream cannot be served (or continued): the fan-out is down, the stream fell behind, or the server is stopping. */
  LIVE_UNAVAILABLE: "LIVE_UNAVAILABLE",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const CODES = new Set<string>(Object.values(ErrorCode));

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && CODES.has(value);
}
