// Error masking and reporting. Expected errors (AppError) reach the client with their registry code,
// and so do graphql-js' own complaints about the values a client sent (BAD_USER_INPUT); anything else
// becomes "Internal server error" + INTERNAL_SERVER_ERROR + the request id, and its detail goes to the
// log under the same request id — never to the client.
import { PothosValidationError } from "@pothos/core";
import { GraphQLError, Kind } from "graphql";
import type { ExecutionResult, GraphQLErrorExtensions } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { App } from "../../app.js";
import { isDatabaseUnavailable } from "../../db/connection-errors.js";
import { AppError, ErrorCode, ServiceUnavailableError, isErrorCode, stackless } from "../../errors.js";
import { requestIdOf } from "./request-id.js";

export const MASKED_MESSAGE = "Internal server error";

/** Masked error -> what it hid, so the reporter can log the detail once it knows the request id. */
const hidden = new WeakMap<GraphQLError, unknown>();
/** SERVICE_UNAVAILABLE error -> the database failure behind it (logged as a warning, not an internal error). */
const unavailable = new WeakMap<GraphQLError, unknown>();
/**
 * Errors this module took care of: expected ones (not worth an error line) and masked ones (logged
 * with their request id by the reporter). Yoga would log both again at error level without an id.
 */
const handled = new WeakSet<object>();

/** Codes Yoga and its plugins use that the registry names differently. */
const FOREIGN_CODES: Record<string, ErrorCode> = {
  REQUEST_ENTITY_TOO_LARGE: ErrorCode.PAYLOAD_TOO_LARGE,
  PERSISTED_QUERY_NOT_IN_LIST: ErrorCode.PERSISTED_QUERY_NOT_FOUND,
  PERSISTED_QUERY_ID_REQUIRED: ErrorCode.BAD_REQUEST,
  CANNOT_SEND_PQ_ID_AND_BODY: ErrorCode.PERSISTED_QUERY_ONLY,
};

// graphql-js' execute()/subscribe() for an operation type the schema has no root type for; it carries no code.
const UNSUPPORTED_OPERATION = /^Schema is not configured to execute (?:query|mutation|subscription) operation\.$/;

/**
 * The registry code an outgoing error carries: its own when the registry has it, a translation of
 * Yoga's, or null for anything unknown (which is then masked as internal).
 */
function registryCode(error: GraphQLError): ErrorCode | null {
  const code = error.extensions.code;
  if (isErrorCode(code)) return code;
  if (typeof code === "string") return FOREIGN_CODES[code] ?? null;
  if (code === undefined && !error.originalError && UNSUPPORTED_OPERATION.test(error.message)) return ErrorCode.OPERATION_NOT_SUPPORTED;
  return null;
}

// graphql-js' messages for a variable value it could not coerce (values.js, coerceVariableValues)...
const VARIABLE_COERCION = /^Variable "\$[_A-Za-z][_0-9A-Za-z]*" (?:got invalid value |of required type ".+" was not provided\.$|of non-null type ".+" must not be null\.$)/s;
// ...and for a field argument it could not (getArgumentValues).
const ARGUMENT_COERCION = /^Argument "[_A-Za-z][_0-9A-Za-z]*" (?:has invalid value |of required type ".+" was (?:not provided|provided the variable )|of non-null type ".+" must not be null\.$)/s;

/** Status for the GraphQL-over-HTTP media type; plain JSON clients get 200, as for validation errors. */
const REQUEST_ERROR_HTTP = { spec: true, status: 400 };

/**
 * The client's input error hidden in `error`, if that is what it is. A variable's coercion error has
 * the variable's definition as its node and no path (nothing ran yet); its originalError is the
 * scalar's own complaint, which is why it would otherwise be masked. An argument's is a plain
 * GraphQLError that execution wrapped with the field's path. Both are recognised by where graphql-js
 * raises them and by its wording, so an internal error never matches.
 */
function inputError(error: unknown): GraphQLError | null {
  if (!(error instanceof GraphQLError)) return null;
  if (error.path === undefined && error.nodes?.[0]?.kind === Kind.VARIABLE_DEFINITION && VARIABLE_COERCION.test(error.message)) {
    return stackless(() => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: ErrorCode.BAD_USER_INPUT, http: { ...REQUEST_ERROR_HTTP } } }));
  }
  let inner: GraphQLError = error;
  while (inner.originalError instanceof GraphQLError) inner = inner.originalError;
  if (error.path !== undefined && inner !== error && inner.path === undefined && !inner.originalError && ARGUMENT_COERCION.test(inner.message)) {
    return stackless(() => new GraphQLError(inner.message, { nodes: error.nodes, path: error.path, extensions: { code: ErrorCode.BAD_USER_INPUT } }));
  }
  return null;
}

function location(error: unknown): { nodes?: GraphQLError["nodes"]; path?: GraphQLError["path"] } {
  return error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {};
}

export function maskError(error: unknown, message: string): Error {
  const input = inputError(error);
  if (input) {
    if (typeof error === "object" && error !== null) handled.add(error);
    return input;
  }
  // Pothos and graphql-js may wrap an error more than once; the domain error is the innermost.
  let original: unknown = error;
  while (original instanceof GraphQLError && original.originalError) original = original.originalError;
  if (original instanceof PothosValidationError) original = connectionArgumentError(original) ?? original;
  const cause = original;
  // A database outage or a pool wait past its bound is a condition that passes: 503 + Retry-After.
  if (!(original instanceof AppError) && isDatabaseUnavailable(original)) original = new ServiceUnavailableError();
  if (original instanceof AppError) {
    if (typeof error === "object" && error !== null) handled.add(error);
    const extensions: GraphQLErrorExtensions = { code: original.code };
    if (original instanceof ServiceUnavailableError) {
      extensions.http = { status: 503, headers: { "retry-after": String(original.retryAfterSeconds) } };
    }
    const shaped = stackless(() => new GraphQLError(original.message, { ...location(error), extensions }));
    if (cause !== original) unavailable.set(shaped, cause);
    return shaped;
  }
  // Parse, validation and request-guard errors carry no original error and are safe to show as they are.
  if (error instanceof GraphQLError && !error.originalError) return error;
  // What it hides keeps its stack (the log quotes it); the answer needs none.
  const masked = stackless(() => new GraphQLError(message, { ...location(error), extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }));
  hidden.set(masked, original ?? error);
  if (typeof error === "object" && error !== null) handled.add(error);
  return masked;
}

/**
 * Pothos rejects malformed connection arguments (a negative `first`, an undecodable cursor) with its
 * own validation error before any of our code runs; those are the client's mistake, not internal.
 */
function connectionArgumentError(error: PothosValidationError): AppError | null {
  if (/cursor/i.test(error.message)) return new AppError(ErrorCode.INVALID_CURSOR, "Malformed pagination cursor.");
  if (/^Argument "(first|last)"/.test(error.message)) return new AppError(ErrorCode.PAGE_SIZE_EXCEEDED, error.message);
  if (/^Arguments ".+" and ".+" are not supported/.test(error.message)) return new AppError(ErrorCode.VALIDATION_FAILED, error.message);
  return null;
}

/** True for errors maskError already dealt with (see `handled`). */
export function isHandledError(error: unknown): boolean {
  return typeof error === "object" && error !== null && handled.has(error);
}

/**
 * The one place an outgoing error gets its final shape: a registry code (anything without one is
 * masked and logged), the request id, and no `originalError` detail in its extensions.
 */
function decorate(error: GraphQLError, requestId: string, log: App["log"]): GraphQLError {
  const code = registryCode(error);
  if (code === null) {
    log.error({ requestId, err: error, code: error.extensions.code }, "internal error");
    return stackless(() => new GraphQLError(MASKED_MESSAGE, { nodes: error.nodes, path: error.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId } }));
  }
  const { originalError: _detail, ...rest } = error.extensions;
  const extensions: GraphQLErrorExtensions = { ...rest, code, requestId };
  // A request that is not well-formed GraphQL over HTTP (a body that is not JSON, no query) is a 400 for
  // every media type. Yoga answers it 200 to plain-JSON clients, as is right for parse and validation errors.
  if (code === ErrorCode.BAD_REQUEST) {
    const http = (extensions.http ?? {}) as { status?: number };
    extensions.http = { ...http, status: http.status ?? 400, spec: false };
  }
  if (extensions.code === ErrorCode.PAYLOAD_TOO_LARGE) {
    // The rest of an oversized body is never read: close the connection rather than drain it.
    const http = (extensions.http ?? {}) as { headers?: Record<string, string> };
    extensions.http = { ...http, status: 413, headers: { ...http.headers, connection: "close" } };
  }
  // A copy, not a mutation: parse and validation errors are cached and shared between requests.
  const copy = stackless(
    () =>
      new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        originalError: error.originalError,
        extensions,
      }),
  );
  const detail = hidden.get(error);
  if (detail !== undefined) hidden.set(copy, detail);
  return copy;
}

/** Adds the request id to every outgoing error and logs what masked errors hid. */
export function useErrorReporting(app: App): Plugin {
  const report = (result: ExecutionResult, requestId: string): ExecutionResult => {
    if (!result.errors?.length) return result;
    const errors = result.errors.map((e) => {
      const detail = hidden.get(e);
      if (detail !== undefined) app.log.error({ requestId, err: detail, path: e.path }, "internal error");
      const cause = unavailable.get(e);
      if (cause !== undefined) app.log.warn({ requestId, err: cause, path: e.path }, "database unavailable; answered SERVICE_UNAVAILABLE");
      return decorate(e, requestId, app.log);
    });
    return { ...result, errors };
  };
  return {
    onResultProcess({ request, result, setResult }) {
      const requestId = requestIdOf(request);
      if (Array.isArray(result)) setResult(result.map((r: ExecutionResult) => report(r, requestId)));
      else if (!(Symbol.asyncIterator in result)) setResult(report(result, requestId));
    },
  };
}
