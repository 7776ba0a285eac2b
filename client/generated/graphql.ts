/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type AuditEventType =
  | 'ACCESS_DENIED'
  | 'ACCOUNT_LOCKED'
  | 'ALL_SESSIONS_REVOKED'
  | 'IP_PSEUDONYMISED'
  | 'MFA_CHALLENGE_ISSUED'
  | 'MFA_FACTORS_RESET'
  | 'MFA_FAILED'
  | 'MFA_PASSKEY_ADDED'
  | 'MFA_PASSKEY_REMOVED'
  | 'MFA_RECOVERY_CODES_GENERATED'
  | 'MFA_TOTP_DISABLED'
  | 'MFA_TOTP_ENABLED'
  | 'MFA_TOTP_ENROLMENT_STARTED'
  | 'MFA_VERIFIED'
  | 'PASSWORD_CHANGED'
  | 'PASSWORD_CHANGE_FAILED'
  | 'RETENTION_PURGED'
  | 'ROLE_CREATED'
  | 'ROLE_DELETED'
  | 'ROLE_GRANTED'
  | 'ROLE_PERMISSIONS_SET'
  | 'ROLE_REVOKED'
  | 'ROLE_UPDATED'
  | 'SESSIONS_CLEANED'
  | 'SESSION_REFRESHED'
  | 'SESSION_REVOKED'
  | 'SIGNED_OUT'
  | 'SIGN_IN_FAILED'
  | 'SIGN_IN_RATE_LIMITED'
  | 'SIGN_IN_SUCCEEDED'
  | 'SIGN_UP'
  | 'SIGN_UP_RATE_LIMITED'
  | 'USER_CREATED'
  | 'USER_STATUS_CHANGED'
  | 'USER_UPDATED';

export type AuditEventsFilter = {
  /** User ID of the actor. */
  actorId?: string | number | null | undefined;
  /** Session ID. */
  sessionId?: string | number | null | undefined;
  /** Created at or after (inclusive). */
  since?: string | null | undefined;
  /** User ID of the subject. */
  subjectId?: string | number | null | undefined;
  types?: Array<AuditEventType> | null | undefined;
  /** Created before (exclusive). */
  until?: string | null | undefined;
};

/** How a session was authenticated, or a way to answer a second-factor challenge. */
export type AuthMethod =
  | 'PASSKEY'
  | 'PASSWORD'
  | 'RECOVERY_CODE'
  | 'TOTP';

export type ChangePasswordInput = {
  currentPassword: string;
  newPassword: string;
};

/** The challenge token and exactly one factor. */
export type CompleteSignInInput = {
  challengeToken: string;
  /** The passkey's answer: `credential.toJSON()` of navigator.credentials.get(). */
  passkeyAssertion?: unknown;
  /** One of the recovery codes (each works once). */
  recoveryCode?: string | null | undefined;
  /** A 6-digit code from the authenticator app. */
  totp?: string | null | undefined;
};

export type DisableTotpInput = {
  /** A TOTP code or a recovery code. */
  code: string;
  currentPassword: string;
};

export type ErrorCode =
  | 'ACCOUNT_LOCKED'
  | 'BAD_REQUEST'
  | 'BAD_USER_INPUT'
  | 'BATCH_TOO_LARGE'
  | 'CONFLICT'
  | 'CSRF_REJECTED'
  | 'FORBIDDEN'
  | 'INTERNAL_SERVER_ERROR'
  | 'INTROSPECTION_DISABLED'
  | 'INVALID_CREDENTIALS'
  | 'INVALID_CURSOR'
  | 'INVALID_ID'
  | 'INVALID_SECOND_FACTOR'
  | 'LAST_ADMIN'
  | 'MFA_CHALLENGE_INVALID'
  | 'MFA_NOT_CONFIGURED'
  | 'NOT_FOUND'
  | 'PAGE_SIZE_EXCEEDED'
  | 'PAYLOAD_TOO_LARGE'
  | 'QUERY_TOO_COMPLEX'
  | 'QUERY_TOO_DEEP'
  | 'RATE_LIMITED'
  | 'ROLE_IN_USE'
  | 'SERVICE_UNAVAILABLE'
  | 'SIGN_UP_DISABLED'
  | 'STEP_UP_REQUIRED'
  | 'TOO_MANY_ALIASES'
  | 'TOO_MANY_DIRECTIVES'
  | 'TOO_MANY_FIELDS'
  | 'TOO_MANY_TOKENS'
  | 'UNAUTHENTICATED'
  | 'VALIDATION_FAILED';

export type HealthStatus =
  | 'DEGRADED'
  | 'DOWN'
  | 'OK';

export type RegisterPasskeyInput = {
  challengeToken: string;
  /** A label for the user, e.g. the device. */
  name: string;
  /** `credential.toJSON()` of navigator.credentials.create(). */
  response: unknown;
};

export type SignInInput = {
  email: string;
  password: string;
};

export type SignUpInput = {
  email: string;
  name?: string | null | undefined;
  password: string;
};

/** Exactly one factor; a passkey assertion also needs the challengeToken from startPasskeyStepUp. */
export type StepUpInput = {
  challengeToken?: string | null | undefined;
  /** The passkey's answer: `credential.toJSON()` of navigator.credentials.get(). */
  passkeyAssertion?: unknown;
  /** One of the recovery codes (each works once). */
  recoveryCode?: string | null | undefined;
  /** A 6-digit code from the authenticator app. */
  totp?: string | null | undefined;
};

export type UserStatus =
  | 'ACTIVE'
  | 'DISABLED'
  | 'LOCKED';

export type UsersFilter = {
  roleKey?: string | null | undefined;
  /** Case-insensitive match on email or name. */
  search?: string | null | undefined;
  status?: UserStatus | null | undefined;
};

export type UsersPageQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: UsersFilter | null | undefined;
}>;


export type UsersPageQuery = { users: { edges: Array<{ cursor: string, node: { id: string, email: string, name: string, status: UserStatus, createdAt: string, lastLoginAt: string | null, roles: Array<{ key: string }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type RolesQueryVariables = Exact<{ [key: string]: never; }>;


export type RolesQuery = { roles: Array<{ id: string, key: string, name: string, description: string, permissions: Array<{ key: string }> }> };

export type PermissionsQueryVariables = Exact<{ [key: string]: never; }>;


export type PermissionsQuery = { permissions: Array<{ id: string, key: string, description: string }> };

export type GrantRoleMutationVariables = Exact<{
  userId: string | number;
  roleKey: string;
}>;


export type GrantRoleMutation = { grantRole:
    | { __typename: 'ConflictError', code: ErrorCode, message: string }
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'User', id: string, permissions: Array<string>, roles: Array<{ key: string }> }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type RevokeRoleMutationVariables = Exact<{
  userId: string | number;
  roleKey: string;
}>;


export type RevokeRoleMutation = { revokeRole:
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'LastAdminError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'User', id: string, permissions: Array<string>, roles: Array<{ key: string }> }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type SetRolePermissionsMutationVariables = Exact<{
  roleId: string | number;
  permissionKeys: Array<string> | string;
}>;


export type SetRolePermissionsMutation = { setRolePermissions:
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'LastAdminError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'Role', id: string, key: string, permissions: Array<{ key: string }> }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, fieldErrors: Array<{ path: string, message: string }> }
   };

export type SetUserStatusMutationVariables = Exact<{
  id: string | number;
  status: UserStatus;
}>;


export type SetUserStatusMutation = { setUserStatus:
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'LastAdminError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'SetUserStatusSuccess', revokedSessionCount: number }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type AuditPageQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: AuditEventsFilter | null | undefined;
}>;


export type AuditPageQuery = { auditEvents: { edges: Array<{ cursor: string, node: { id: string, type: AuditEventType, createdAt: string, ip: string | null, userAgent: string | null, metadata: unknown, actor: { id: string, email: string } | null, subject: { id: string, email: string } | null, session: { id: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type AuditIntegrityQueryVariables = Exact<{
  since?: string | null | undefined;
  until?: string | null | undefined;
}>;


export type AuditIntegrityQuery = { auditIntegrity: { ok: boolean, checkedCount: number, firstBrokenEventId: string | null, message: string } };

export type SignUpMutationVariables = Exact<{
  input: SignUpInput;
}>;


export type SignUpMutation = { signUp:
    | { __typename: 'ConflictError', code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'SignInSuccess', token: string, user: { id: string, email: string, name: string, status: UserStatus, createdAt: string, lastLoginAt: string | null }, session: { id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean, authMethods: Array<AuthMethod>, mfaAt: string | null } }
    | { __typename: 'SignUpDisabledError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, fieldErrors: Array<{ path: string, message: string }> }
   };

export type SignInMutationVariables = Exact<{
  input: SignInInput;
}>;


export type SignInMutation = { signIn:
    | { __typename: 'AccountLockedError', lockedUntil: string, code: ErrorCode, message: string }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'MfaRequired', challengeToken: string, methods: Array<AuthMethod>, passkeyOptions: unknown, expiresAt: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'SignInSuccess', token: string, user: { permissions: Array<string>, id: string, email: string, name: string, status: UserStatus, createdAt: string, lastLoginAt: string | null }, session: { id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean, authMethods: Array<AuthMethod>, mfaAt: string | null } }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, fieldErrors: Array<{ path: string, message: string }> }
   };

export type RefreshSessionMutationVariables = Exact<{ [key: string]: never; }>;


export type RefreshSessionMutation = { refreshSession:
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'Session', id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean, authMethods: Array<AuthMethod>, mfaAt: string | null }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type SignOutMutationVariables = Exact<{ [key: string]: never; }>;


export type SignOutMutation = { signOut:
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'SignOutSuccess', ok: boolean }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type ChangePasswordMutationVariables = Exact<{
  input: ChangePasswordInput;
}>;


export type ChangePasswordMutation = { changePassword:
    | { __typename: 'ChangePasswordSuccess', revokedSessionCount: number }
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', code: ErrorCode, message: string }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, fieldErrors: Array<{ path: string, message: string }> }
   };

export type UserFieldsFragment = { id: string, email: string, name: string, status: UserStatus, createdAt: string, lastLoginAt: string | null };

export type SessionFieldsFragment = { id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean, authMethods: Array<AuthMethod>, mfaAt: string | null };

type ErrorFields_AccountLockedError_Fragment = { __typename: 'AccountLockedError', code: ErrorCode, message: string };

type ErrorFields_ConflictError_Fragment = { __typename: 'ConflictError', code: ErrorCode, message: string };

type ErrorFields_ForbiddenError_Fragment = { __typename: 'ForbiddenError', code: ErrorCode, message: string };

type ErrorFields_InvalidCredentialsError_Fragment = { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string };

type ErrorFields_InvalidIdError_Fragment = { __typename: 'InvalidIdError', code: ErrorCode, message: string };

type ErrorFields_InvalidSecondFactorError_Fragment = { __typename: 'InvalidSecondFactorError', code: ErrorCode, message: string };

type ErrorFields_LastAdminError_Fragment = { __typename: 'LastAdminError', code: ErrorCode, message: string };

type ErrorFields_MfaChallengeInvalidError_Fragment = { __typename: 'MfaChallengeInvalidError', code: ErrorCode, message: string };

type ErrorFields_MfaNotConfiguredError_Fragment = { __typename: 'MfaNotConfiguredError', code: ErrorCode, message: string };

type ErrorFields_NotFoundError_Fragment = { __typename: 'NotFoundError', code: ErrorCode, message: string };

type ErrorFields_RateLimitedError_Fragment = { __typename: 'RateLimitedError', code: ErrorCode, message: string };

type ErrorFields_RoleInUseError_Fragment = { __typename: 'RoleInUseError', code: ErrorCode, message: string };

type ErrorFields_SignUpDisabledError_Fragment = { __typename: 'SignUpDisabledError', code: ErrorCode, message: string };

type ErrorFields_StepUpRequiredError_Fragment = { __typename: 'StepUpRequiredError', code: ErrorCode, message: string };

type ErrorFields_UnauthenticatedError_Fragment = { __typename: 'UnauthenticatedError', code: ErrorCode, message: string };

type ErrorFields_ValidationError_Fragment = { __typename: 'ValidationError', code: ErrorCode, message: string };

export type ErrorFieldsFragment =
  | ErrorFields_AccountLockedError_Fragment
  | ErrorFields_ConflictError_Fragment
  | ErrorFields_ForbiddenError_Fragment
  | ErrorFields_InvalidCredentialsError_Fragment
  | ErrorFields_InvalidIdError_Fragment
  | ErrorFields_InvalidSecondFactorError_Fragment
  | ErrorFields_LastAdminError_Fragment
  | ErrorFields_MfaChallengeInvalidError_Fragment
  | ErrorFields_MfaNotConfiguredError_Fragment
  | ErrorFields_NotFoundError_Fragment
  | ErrorFields_RateLimitedError_Fragment
  | ErrorFields_RoleInUseError_Fragment
  | ErrorFields_SignUpDisabledError_Fragment
  | ErrorFields_StepUpRequiredError_Fragment
  | ErrorFields_UnauthenticatedError_Fragment
  | ErrorFields_ValidationError_Fragment
;

export type UserAccessFieldsFragment = { id: string, permissions: Array<string>, roles: Array<{ key: string }> };

export type ValidationErrorFieldsFragment = { fieldErrors: Array<{ path: string, message: string }> };

export type HealthQueryVariables = Exact<{ [key: string]: never; }>;


export type HealthQuery = { health: { status: HealthStatus, uptimeSeconds: number, version: string, postgres: { status: HealthStatus, latencyMs: number | null, message: string | null }, redis: { status: HealthStatus, latencyMs: number | null, message: string | null } } };

export type CompleteSignInMutationVariables = Exact<{
  input: CompleteSignInInput;
}>;


export type CompleteSignInMutation = { completeSignIn:
    | { __typename: 'AccountLockedError', lockedUntil: string, code: ErrorCode, message: string }
    | { __typename: 'InvalidSecondFactorError', code: ErrorCode, message: string }
    | { __typename: 'MfaChallengeInvalidError', code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'SignInSuccess', token: string, user: { id: string, email: string, name: string, status: UserStatus, createdAt: string, lastLoginAt: string | null }, session: { id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean, authMethods: Array<AuthMethod>, mfaAt: string | null } }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, fieldErrors: Array<{ path: string, message: string }> }
   };

export type StartPasskeySignInMutationVariables = Exact<{ [key: string]: never; }>;


export type StartPasskeySignInMutation = { startPasskeySignIn:
    | { __typename: 'PasskeyChallenge', challengeToken: string, options: unknown, expiresAt: string }
    | { __typename: 'RateLimitedError', code: ErrorCode, message: string }
   };

export type StepUpMutationVariables = Exact<{
  input: StepUpInput;
}>;


export type StepUpMutation = { stepUp:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'InvalidSecondFactorError', code: ErrorCode, message: string }
    | { __typename: 'MfaChallengeInvalidError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', code: ErrorCode, message: string }
    | { __typename: 'Session', id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean, authMethods: Array<AuthMethod>, mfaAt: string | null }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type StartPasskeyStepUpMutationVariables = Exact<{ [key: string]: never; }>;


export type StartPasskeyStepUpMutation = { startPasskeyStepUp:
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'PasskeyChallenge', challengeToken: string, options: unknown, expiresAt: string }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type EnrollTotpMutationVariables = Exact<{ [key: string]: never; }>;


export type EnrollTotpMutation = { enrollTotp:
    | { __typename: 'ConflictError', code: ErrorCode, message: string }
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'MfaNotConfiguredError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'StepUpRequiredError', maxAgeSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'TotpEnrollment', secret: string, uri: string, qrCodeSvg: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type ConfirmTotpMutationVariables = Exact<{
  code: string;
}>;


export type ConfirmTotpMutation = { confirmTotp:
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'InvalidSecondFactorError', code: ErrorCode, message: string }
    | { __typename: 'MfaNotConfiguredError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'RecoveryCodes', recoveryCodes: Array<string> }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type DisableTotpMutationVariables = Exact<{
  input: DisableTotpInput;
}>;


export type DisableTotpMutation = { disableTotp:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'DisableTotpSuccess', ok: boolean }
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'InvalidSecondFactorError', code: ErrorCode, message: string }
    | { __typename: 'MfaChallengeInvalidError', code: ErrorCode, message: string }
    | { __typename: 'MfaNotConfiguredError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', code: ErrorCode, message: string }
    | { __typename: 'StepUpRequiredError', maxAgeSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type RegenerateRecoveryCodesMutationVariables = Exact<{ [key: string]: never; }>;


export type RegenerateRecoveryCodesMutation = { regenerateRecoveryCodes:
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'RecoveryCodes', recoveryCodes: Array<string> }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type StartPasskeyRegistrationMutationVariables = Exact<{ [key: string]: never; }>;


export type StartPasskeyRegistrationMutation = { startPasskeyRegistration:
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'PasskeyChallenge', challengeToken: string, options: unknown, expiresAt: string }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type RegisterPasskeyMutationVariables = Exact<{
  input: RegisterPasskeyInput;
}>;


export type RegisterPasskeyMutation = { registerPasskey:
    | { __typename: 'ConflictError', code: ErrorCode, message: string }
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'InvalidSecondFactorError', code: ErrorCode, message: string }
    | { __typename: 'MfaChallengeInvalidError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'Passkey', id: string, name: string, createdAt: string, backedUp: boolean }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type DeletePasskeyMutationVariables = Exact<{
  id: string | number;
}>;


export type DeletePasskeyMutation = { deletePasskey:
    | { __typename: 'DeletePasskeySuccess', deletedPasskeyId: string }
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type MySecondFactorsQueryVariables = Exact<{ [key: string]: never; }>;


export type MySecondFactorsQuery = { viewer: { session: { id: string, authMethods: Array<AuthMethod>, mfaAt: string | null }, user: { id: string, secondFactors: { totpEnabled: boolean, recoveryCodesLeft: number, passkeys: Array<{ id: string, name: string, createdAt: string, lastUsedAt: string | null, backedUp: boolean }> } } } | null };

export type ResetUserMfaMutationVariables = Exact<{
  userId: string | number;
}>;


export type ResetUserMfaMutation = { resetUserMfa:
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'User', id: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { user: { permissions: Array<string>, id: string, email: string, name: string, status: UserStatus, createdAt: string, lastLoginAt: string | null, roles: Array<{ key: string, name: string }> }, session: { id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean, authMethods: Array<AuthMethod>, mfaAt: string | null } } | null };

export type MySessionsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  activeOnly?: boolean | null | undefined;
}>;


export type MySessionsQuery = { viewer: { user: { id: string, sessions: { edges: Array<{ cursor: string, node: { id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean, authMethods: Array<AuthMethod>, mfaAt: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } } | null };

export type RevokeSessionMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeSessionMutation = { revokeSession:
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'Session', id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean, authMethods: Array<AuthMethod>, mfaAt: string | null }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type RevokeAllSessionsMutationVariables = Exact<{
  userId: string | number;
  keepCurrent?: boolean | null | undefined;
}>;


export type RevokeAllSessionsMutation = { revokeAllSessions:
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'RevokeAllSessionsSuccess', revokedCount: number }
    | { __typename: 'StepUpRequiredError', code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const UserFieldsFragmentDoc = new TypedDocumentString(`
    fragment UserFields on User {
  id
  email
  name
  status
  createdAt
  lastLoginAt
}
    `, {"fragmentName":"UserFields"}) as unknown as TypedDocumentString<UserFieldsFragment, unknown>;
export const SessionFieldsFragmentDoc = new TypedDocumentString(`
    fragment SessionFields on Session {
  id
  createdAt
  lastSeenAt
  expiresAt
  revokedAt
  ip
  userAgent
  current
  active
  authMethods
  mfaAt
}
    `, {"fragmentName":"SessionFields"}) as unknown as TypedDocumentString<SessionFieldsFragment, unknown>;
export const ErrorFieldsFragmentDoc = new TypedDocumentString(`
    fragment ErrorFields on Error {
  __typename
  code
  message
}
    `, {"fragmentName":"ErrorFields"}) as unknown as TypedDocumentString<ErrorFieldsFragment, unknown>;
export const UserAccessFieldsFragmentDoc = new TypedDocumentString(`
    fragment UserAccessFields on User {
  id
  roles {
    key
  }
  permissions
}
    `, {"fragmentName":"UserAccessFields"}) as unknown as TypedDocumentString<UserAccessFieldsFragment, unknown>;
export const ValidationErrorFieldsFragmentDoc = new TypedDocumentString(`
    fragment ValidationErrorFields on ValidationError {
  fieldErrors {
    path
    message
  }
}
    `, {"fragmentName":"ValidationErrorFields"}) as unknown as TypedDocumentString<ValidationErrorFieldsFragment, unknown>;
export const UsersPageDocument = new TypedDocumentString(`
    query UsersPage($first: Int, $after: String, $filter: UsersFilter) {
  users(first: $first, after: $after, filter: $filter) {
    edges {
      cursor
      node {
        ...UserFields
        roles {
          key
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment UserFields on User {
  id
  email
  name
  status
  createdAt
  lastLoginAt
}`) as unknown as TypedDocumentString<UsersPageQuery, UsersPageQueryVariables>;
export const RolesDocument = new TypedDocumentString(`
    query Roles {
  roles {
    id
    key
    name
    description
    permissions {
      key
    }
  }
}
    `) as unknown as TypedDocumentString<RolesQuery, RolesQueryVariables>;
export const PermissionsDocument = new TypedDocumentString(`
    query Permissions {
  permissions {
    id
    key
    description
  }
}
    `) as unknown as TypedDocumentString<PermissionsQuery, PermissionsQueryVariables>;
export const GrantRoleDocument = new TypedDocumentString(`
    mutation GrantRole($userId: ID!, $roleKey: String!) {
  grantRole(userId: $userId, roleKey: $roleKey) {
    __typename
    ...UserAccessFields
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}
fragment UserAccessFields on User {
  id
  roles {
    key
  }
  permissions
}`) as unknown as TypedDocumentString<GrantRoleMutation, GrantRoleMutationVariables>;
export const RevokeRoleDocument = new TypedDocumentString(`
    mutation RevokeRole($userId: ID!, $roleKey: String!) {
  revokeRole(userId: $userId, roleKey: $roleKey) {
    __typename
    ...UserAccessFields
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}
fragment UserAccessFields on User {
  id
  roles {
    key
  }
  permissions
}`) as unknown as TypedDocumentString<RevokeRoleMutation, RevokeRoleMutationVariables>;
export const SetRolePermissionsDocument = new TypedDocumentString(`
    mutation SetRolePermissions($roleId: ID!, $permissionKeys: [String!]!) {
  setRolePermissions(roleId: $roleId, permissionKeys: $permissionKeys) {
    __typename
    ... on Role {
      id
      key
      permissions {
        key
      }
    }
    ...ValidationErrorFields
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}
fragment ValidationErrorFields on ValidationError {
  fieldErrors {
    path
    message
  }
}`) as unknown as TypedDocumentString<SetRolePermissionsMutation, SetRolePermissionsMutationVariables>;
export const SetUserStatusDocument = new TypedDocumentString(`
    mutation SetUserStatus($id: ID!, $status: UserStatus!) {
  setUserStatus(id: $id, status: $status) {
    __typename
    ... on SetUserStatusSuccess {
      revokedSessionCount
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<SetUserStatusMutation, SetUserStatusMutationVariables>;
export const AuditPageDocument = new TypedDocumentString(`
    query AuditPage($first: Int, $after: String, $filter: AuditEventsFilter) {
  auditEvents(first: $first, after: $after, filter: $filter) {
    edges {
      cursor
      node {
        id
        type
        createdAt
        ip
        userAgent
        metadata
        actor {
          id
          email
        }
        subject {
          id
          email
        }
        session {
          id
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<AuditPageQuery, AuditPageQueryVariables>;
export const AuditIntegrityDocument = new TypedDocumentString(`
    query AuditIntegrity($since: DateTime, $until: DateTime) {
  auditIntegrity(since: $since, until: $until) {
    ok
    checkedCount
    firstBrokenEventId
    message
  }
}
    `) as unknown as TypedDocumentString<AuditIntegrityQuery, AuditIntegrityQueryVariables>;
export const SignUpDocument = new TypedDocumentString(`
    mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) {
    __typename
    ... on SignInSuccess {
      token
      user {
        ...UserFields
      }
      session {
        ...SessionFields
      }
    }
    ...ValidationErrorFields
    ... on RateLimitedError {
      retryAfterSeconds
    }
    ...ErrorFields
  }
}
    fragment UserFields on User {
  id
  email
  name
  status
  createdAt
  lastLoginAt
}
fragment SessionFields on Session {
  id
  createdAt
  lastSeenAt
  expiresAt
  revokedAt
  ip
  userAgent
  current
  active
  authMethods
  mfaAt
}
fragment ErrorFields on Error {
  __typename
  code
  message
}
fragment ValidationErrorFields on ValidationError {
  fieldErrors {
    path
    message
  }
}`) as unknown as TypedDocumentString<SignUpMutation, SignUpMutationVariables>;
export const SignInDocument = new TypedDocumentString(`
    mutation SignIn($input: SignInInput!) {
  signIn(input: $input) {
    __typename
    ... on SignInSuccess {
      token
      user {
        ...UserFields
        permissions
      }
      session {
        ...SessionFields
      }
    }
    ... on RateLimitedError {
      retryAfterSeconds
    }
    ... on AccountLockedError {
      lockedUntil
    }
    ... on MfaRequired {
      challengeToken
      methods
      passkeyOptions
      expiresAt
    }
    ...ValidationErrorFields
    ...ErrorFields
  }
}
    fragment UserFields on User {
  id
  email
  name
  status
  createdAt
  lastLoginAt
}
fragment SessionFields on Session {
  id
  createdAt
  lastSeenAt
  expiresAt
  revokedAt
  ip
  userAgent
  current
  active
  authMethods
  mfaAt
}
fragment ErrorFields on Error {
  __typename
  code
  message
}
fragment ValidationErrorFields on ValidationError {
  fieldErrors {
    path
    message
  }
}`) as unknown as TypedDocumentString<SignInMutation, SignInMutationVariables>;
export const RefreshSessionDocument = new TypedDocumentString(`
    mutation RefreshSession {
  refreshSession {
    __typename
    ... on Session {
      ...SessionFields
    }
    ...ErrorFields
  }
}
    fragment SessionFields on Session {
  id
  createdAt
  lastSeenAt
  expiresAt
  revokedAt
  ip
  userAgent
  current
  active
  authMethods
  mfaAt
}
fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<RefreshSessionMutation, RefreshSessionMutationVariables>;
export const SignOutDocument = new TypedDocumentString(`
    mutation SignOut {
  signOut {
    __typename
    ... on SignOutSuccess {
      ok
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<SignOutMutation, SignOutMutationVariables>;
export const ChangePasswordDocument = new TypedDocumentString(`
    mutation ChangePassword($input: ChangePasswordInput!) {
  changePassword(input: $input) {
    __typename
    ... on ChangePasswordSuccess {
      revokedSessionCount
    }
    ...ValidationErrorFields
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}
fragment ValidationErrorFields on ValidationError {
  fieldErrors {
    path
    message
  }
}`) as unknown as TypedDocumentString<ChangePasswordMutation, ChangePasswordMutationVariables>;
export const HealthDocument = new TypedDocumentString(`
    query Health {
  health {
    status
    postgres {
      status
      latencyMs
      message
    }
    redis {
      status
      latencyMs
      message
    }
    uptimeSeconds
    version
  }
}
    `) as unknown as TypedDocumentString<HealthQuery, HealthQueryVariables>;
export const CompleteSignInDocument = new TypedDocumentString(`
    mutation CompleteSignIn($input: CompleteSignInInput!) {
  completeSignIn(input: $input) {
    __typename
    ... on SignInSuccess {
      token
      user {
        ...UserFields
      }
      session {
        ...SessionFields
      }
    }
    ... on RateLimitedError {
      retryAfterSeconds
    }
    ... on AccountLockedError {
      lockedUntil
    }
    ...ValidationErrorFields
    ...ErrorFields
  }
}
    fragment UserFields on User {
  id
  email
  name
  status
  createdAt
  lastLoginAt
}
fragment SessionFields on Session {
  id
  createdAt
  lastSeenAt
  expiresAt
  revokedAt
  ip
  userAgent
  current
  active
  authMethods
  mfaAt
}
fragment ErrorFields on Error {
  __typename
  code
  message
}
fragment ValidationErrorFields on ValidationError {
  fieldErrors {
    path
    message
  }
}`) as unknown as TypedDocumentString<CompleteSignInMutation, CompleteSignInMutationVariables>;
export const StartPasskeySignInDocument = new TypedDocumentString(`
    mutation StartPasskeySignIn {
  startPasskeySignIn {
    __typename
    ... on PasskeyChallenge {
      challengeToken
      options
      expiresAt
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<StartPasskeySignInMutation, StartPasskeySignInMutationVariables>;
export const StepUpDocument = new TypedDocumentString(`
    mutation StepUp($input: StepUpInput!) {
  stepUp(input: $input) {
    __typename
    ... on Session {
      ...SessionFields
    }
    ...ErrorFields
  }
}
    fragment SessionFields on Session {
  id
  createdAt
  lastSeenAt
  expiresAt
  revokedAt
  ip
  userAgent
  current
  active
  authMethods
  mfaAt
}
fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<StepUpMutation, StepUpMutationVariables>;
export const StartPasskeyStepUpDocument = new TypedDocumentString(`
    mutation StartPasskeyStepUp {
  startPasskeyStepUp {
    __typename
    ... on PasskeyChallenge {
      challengeToken
      options
      expiresAt
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<StartPasskeyStepUpMutation, StartPasskeyStepUpMutationVariables>;
export const EnrollTotpDocument = new TypedDocumentString(`
    mutation EnrollTotp {
  enrollTotp {
    __typename
    ... on TotpEnrollment {
      secret
      uri
      qrCodeSvg
    }
    ... on StepUpRequiredError {
      maxAgeSeconds
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<EnrollTotpMutation, EnrollTotpMutationVariables>;
export const ConfirmTotpDocument = new TypedDocumentString(`
    mutation ConfirmTotp($code: String!) {
  confirmTotp(code: $code) {
    __typename
    ... on RecoveryCodes {
      recoveryCodes
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<ConfirmTotpMutation, ConfirmTotpMutationVariables>;
export const DisableTotpDocument = new TypedDocumentString(`
    mutation DisableTotp($input: DisableTotpInput!) {
  disableTotp(input: $input) {
    __typename
    ... on DisableTotpSuccess {
      ok
    }
    ... on StepUpRequiredError {
      maxAgeSeconds
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<DisableTotpMutation, DisableTotpMutationVariables>;
export const RegenerateRecoveryCodesDocument = new TypedDocumentString(`
    mutation RegenerateRecoveryCodes {
  regenerateRecoveryCodes {
    __typename
    ... on RecoveryCodes {
      recoveryCodes
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<RegenerateRecoveryCodesMutation, RegenerateRecoveryCodesMutationVariables>;
export const StartPasskeyRegistrationDocument = new TypedDocumentString(`
    mutation StartPasskeyRegistration {
  startPasskeyRegistration {
    __typename
    ... on PasskeyChallenge {
      challengeToken
      options
      expiresAt
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<StartPasskeyRegistrationMutation, StartPasskeyRegistrationMutationVariables>;
export const RegisterPasskeyDocument = new TypedDocumentString(`
    mutation RegisterPasskey($input: RegisterPasskeyInput!) {
  registerPasskey(input: $input) {
    __typename
    ... on Passkey {
      id
      name
      createdAt
      backedUp
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<RegisterPasskeyMutation, RegisterPasskeyMutationVariables>;
export const DeletePasskeyDocument = new TypedDocumentString(`
    mutation DeletePasskey($id: ID!) {
  deletePasskey(id: $id) {
    __typename
    ... on DeletePasskeySuccess {
      deletedPasskeyId
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<DeletePasskeyMutation, DeletePasskeyMutationVariables>;
export const MySecondFactorsDocument = new TypedDocumentString(`
    query MySecondFactors {
  viewer {
    session {
      id
      authMethods
      mfaAt
    }
    user {
      id
      secondFactors {
        totpEnabled
        recoveryCodesLeft
        passkeys {
          id
          name
          createdAt
          lastUsedAt
          backedUp
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<MySecondFactorsQuery, MySecondFactorsQueryVariables>;
export const ResetUserMfaDocument = new TypedDocumentString(`
    mutation ResetUserMfa($userId: ID!) {
  resetUserMfa(userId: $userId) {
    __typename
    ... on User {
      id
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<ResetUserMfaMutation, ResetUserMfaMutationVariables>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    user {
      ...UserFields
      permissions
      roles {
        key
        name
      }
    }
    session {
      ...SessionFields
    }
  }
}
    fragment UserFields on User {
  id
  email
  name
  status
  createdAt
  lastLoginAt
}
fragment SessionFields on Session {
  id
  createdAt
  lastSeenAt
  expiresAt
  revokedAt
  ip
  userAgent
  current
  active
  authMethods
  mfaAt
}`) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;
export const MySessionsDocument = new TypedDocumentString(`
    query MySessions($first: Int, $after: String, $activeOnly: Boolean) {
  viewer {
    user {
      id
      sessions(first: $first, after: $after, activeOnly: $activeOnly) {
        edges {
          cursor
          node {
            ...SessionFields
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
}
    fragment SessionFields on Session {
  id
  createdAt
  lastSeenAt
  expiresAt
  revokedAt
  ip
  userAgent
  current
  active
  authMethods
  mfaAt
}`) as unknown as TypedDocumentString<MySessionsQuery, MySessionsQueryVariables>;
export const RevokeSessionDocument = new TypedDocumentString(`
    mutation RevokeSession($id: ID!) {
  revokeSession(id: $id) {
    __typename
    ... on Session {
      ...SessionFields
    }
    ...ErrorFields
  }
}
    fragment SessionFields on Session {
  id
  createdAt
  lastSeenAt
  expiresAt
  revokedAt
  ip
  userAgent
  current
  active
  authMethods
  mfaAt
}
fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<RevokeSessionMutation, RevokeSessionMutationVariables>;
export const RevokeAllSessionsDocument = new TypedDocumentString(`
    mutation RevokeAllSessions($userId: ID!, $keepCurrent: Boolean) {
  revokeAllSessions(userId: $userId, keepCurrent: $keepCurrent) {
    __typename
    ... on RevokeAllSessionsSuccess {
      revokedCount
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<RevokeAllSessionsMutation, RevokeAllSessionsMutationVariables>;