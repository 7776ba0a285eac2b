// GraphQL face of the error registry (src/errors.ts): one `Error` interface with a stable `code`,
// and one object type per expected error so clients can branch on __typename.
import {
  AccountLockedError,
  AppError,
  ConflictError,
  EmailNotVerifiedError,
  ErrorCode,
  ForbiddenError,
  InvalidCredentialsError,
  InvalidIdError,
  InvalidSecondFactorError,
  InvalidTokenError,
  LastAdminError,
  MailDisabledError,
  MfaChallengeInvalidError,
  MfaNotConfiguredError,
  NotFoundError,
  RateLimitedError,
  RoleInUseError,
  SignUpDisabledError,
  StepUpRequiredError,
  UnauthenticatedError,
  ValidationError,
} from "../errors.js";
import type { FieldError } from "../errors.js";
import { builder } from "./builder.js";

export const ErrorCodeEnum = builder.enumType("ErrorCode", { values: Object.values(ErrorCode) });

export const ErrorInterface = builder.interfaceRef<AppError>("Error").implement({
  description: "Every expected error: a human message and a stable machine code.",
  fields: (t) => ({
    message: t.exposeString("message"),
    code: t.field({ type: ErrorCodeEnum, resolve: (e) => e.code }),
  }),
});

const simple = [
  [UnauthenticatedError, "UnauthenticatedError"],
  [ForbiddenError, "ForbiddenError"],
  [InvalidCredentialsError, "InvalidCredentialsError"],
  [SignUpDisabledError, "SignUpDisabledError"],
  [NotFoundError, "NotFoundError"],
  [ConflictError, "ConflictError"],
  [LastAdminError, "LastAdminError"],
  [InvalidIdError, "InvalidIdError"],
  [InvalidSecondFactorError, "InvalidSecondFactorError"],
  [MfaChallengeInvalidError, "MfaChallengeInvalidError"],
  [MfaNotConfiguredError, "MfaNotConfiguredError"],
  [EmailNotVerifiedError, "EmailNotVerifiedError"],
  [InvalidTokenError, "InvalidTokenError"],
  [MailDisabledError, "MailDisabledError"],
] as const;
for (const [cls, name] of simple) {
  builder.objectType(cls, { name, interfaces: [ErrorInterface], authScopes: { public: true }, isTypeOf: (v) => v instanceof cls });
}

const FieldErrorRef = builder.objectRef<FieldError>("FieldError").implement({
  authScopes: { public: true },
  description: "One invalid input field: its dotted path (e.g. `input.email`) and what is wrong.",
  fields: (t) => ({ path: t.exposeString("path"), message: t.exposeString("message") }),
});

builder.objectType(ValidationError, {
  name: "ValidationError",
  interfaces: [ErrorInterface],
  authScopes: { public: true },
  isTypeOf: (v) => v instanceof ValidationError,
  fields: (t) => ({ fieldErrors: t.field({ type: [FieldErrorRef], resolve: (e) => e.fieldErrors }) }),
});

builder.objectType(RateLimitedError, {
  name: "RateLimitedError",
  interfaces: [ErrorInterface],
  authScopes: { public: true },
  isTypeOf: (v) => v instanceof RateLimitedError,
  fields: (t) => ({ retryAfterSeconds: t.exposeInt("retryAfterSeconds") }),
});

builder.objectType(AccountLockedError, {
  name: "AccountLockedError",
  interfaces: [ErrorInterface],
  authScopes: { public: true },
  isTypeOf: (v) => v instanceof AccountLockedError,
  fields: (t) => ({ lockedUntil: t.expose("lockedUntil", { type: "DateTime" }) }),
});

builder.objectType(RoleInUseError, {
  name: "RoleInUseError",
  interfaces: [ErrorInterface],
  authScopes: { public: true },
  isTypeOf: (v) => v instanceof RoleInUseError,
  fields: (t) => ({ holderCount: t.exposeInt("holderCount") }),
});

builder.objectType(StepUpRequiredError, {
  name: "StepUpRequiredError",
  interfaces: [ErrorInterface],
  authScopes: { public: true },
  isTypeOf: (v) => v instanceof StepUpRequiredError,
  fields: (t) => ({ maxAgeSeconds: t.exposeInt("maxAgeSeconds", { description: "How recent the second factor must be." }) }),
});

/**
 * Errors every authenticated mutation can return as a typed result. StepUpRequiredError is among
 * them because any permission can come from a role that requires MFA.
 */
export const COMMON_ERRORS = [UnauthenticatedError, ForbiddenError, StepUpRequiredError, ValidationError, NotFoundError, InvalidIdError] as const;
