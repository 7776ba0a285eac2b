/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type AuditEventType =
  | 'ACCESS_DENIED'
  | 'ACCOUNT_DELETED'
  | 'ACCOUNT_DELETE_FAILED'
  | 'ACCOUNT_LOCKED'
  | 'ACCOUNT_MAIL_RATE_LIMITED'
  | 'ACCOUNT_TOKEN_ISSUED'
  | 'ACCOUNT_TOKEN_REJECTED'
  | 'ALL_SESSIONS_REVOKED'
  | 'EMAIL_CHANGED'
  | 'EMAIL_CHANGE_FAILED'
  | 'EMAIL_CHANGE_REQUESTED'
  | 'EMAIL_VERIFICATION_REQUESTED'
  | 'EMAIL_VERIFIED'
  | 'IP_PSEUDONYMISED'
  | 'MAIL_UNDELIVERABLE'
  | 'PASSWORD_CHANGED'
  | 'PASSWORD_CHANGE_FAILED'
  | 'PASSWORD_RESET_COMPLETED'
  | 'PASSWORD_RESET_REQUESTED'
  | 'RETENTION_PURGED'
  | 'ROLE_CREATED'
  | 'ROLE_DELETED'
  | 'ROLE_GRANTED'
  | 'ROLE_PERMISSIONS_SET'
  | 'ROLE_REVOKED'
  | 'ROLE_UPDATED'
  | 'SESSIONS_CLEANED'
  | 'SESSION_METADATA_UPDATED'
  | 'SESSION_REFRESHED'
  | 'SESSION_REVOKED'
  | 'SIGNED_OUT'
  | 'SIGN_IN_FAILED'
  | 'SIGN_IN_RATE_LIMITED'
  | 'SIGN_IN_SUCCEEDED'
  | 'SIGN_UP'
  | 'SIGN_UP_DUPLICATE'
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

export type ChangePasswordInput = {
  currentPassword: string;
  newPassword: string;
};

export type DeleteAccountInput = {
  currentPassword: string;
};

export type ErrorCode =
  | 'ACCOUNT_LOCKED'
  | 'BAD_REQUEST'
  | 'BAD_USER_INPUT'
  | 'BATCH_TOO_LARGE'
  | 'CONFLICT'
  | 'CSRF_REJECTED'
  | 'EMAIL_NOT_VERIFIED'
  | 'FORBIDDEN'
  | 'INTERNAL_SERVER_ERROR'
  | 'INTROSPECTION_DISABLED'
  | 'INVALID_CREDENTIALS'
  | 'INVALID_CURSOR'
  | 'INVALID_ID'
  | 'INVALID_TOKEN'
  | 'LAST_ADMIN'
  | 'MAIL_DISABLED'
  | 'NOT_FOUND'
  | 'PAGE_SIZE_EXCEEDED'
  | 'PAYLOAD_TOO_LARGE'
  | 'QUERY_TOO_COMPLEX'
  | 'QUERY_TOO_DEEP'
  | 'RATE_LIMITED'
  | 'ROLE_IN_USE'
  | 'SERVICE_UNAVAILABLE'
  | 'SIGN_UP_DISABLED'
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

export type RequestEmailChangeInput = {
  currentPassword: string;
  newEmail: string;
};

export type ResetPasswordInput = {
  newPassword: string;
  token: string;
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

export type RequestEmailVerificationMutationVariables = Exact<{
  email: string;
}>;


export type RequestEmailVerificationMutation = { requestEmailVerification:
    | { __typename: 'CheckInbox', message: string }
    | { __typename: 'MailDisabledError', code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, fieldErrors: Array<{ path: string, message: string }> }
   };

export type VerifyEmailMutationVariables = Exact<{
  token: string;
}>;


export type VerifyEmailMutation = { verifyEmail:
    | { __typename: 'EmailVerified', email: string, emailVerifiedAt: string }
    | { __typename: 'InvalidTokenError', code: ErrorCode, message: string }
   };

export type RequestPasswordResetMutationVariables = Exact<{
  email: string;
}>;


export type RequestPasswordResetMutation = { requestPasswordReset:
    | { __typename: 'CheckInbox', message: string }
    | { __typename: 'MailDisabledError', code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, fieldErrors: Array<{ path: string, message: string }> }
   };

export type ResetPasswordMutationVariables = Exact<{
  input: ResetPasswordInput;
}>;


export type ResetPasswordMutation = { resetPassword:
    | { __typename: 'InvalidTokenError', code: ErrorCode, message: string }
    | { __typename: 'ResetPasswordSuccess', revokedSessionCount: number }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, fieldErrors: Array<{ path: string, message: string }> }
   };

export type RequestEmailChangeMutationVariables = Exact<{
  input: RequestEmailChangeInput;
}>;


export type RequestEmailChangeMutation = { requestEmailChange:
    | { __typename: 'CheckInbox', message: string }
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'MailDisabledError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, fieldErrors: Array<{ path: string, message: string }> }
   };

export type ConfirmEmailChangeMutationVariables = Exact<{
  token: string;
}>;


export type ConfirmEmailChangeMutation = { confirmEmailChange:
    | { __typename: 'ConflictError', code: ErrorCode, message: string }
    | { __typename: 'EmailChanged', email: string }
    | { __typename: 'InvalidTokenError', code: ErrorCode, message: string }
   };

export type DeleteAccountMutationVariables = Exact<{
  input: DeleteAccountInput;
}>;


export type DeleteAccountMutation = { deleteAccount:
    | { __typename: 'AccountDeleted', deletedUserId: string }
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'LastAdminError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, fieldErrors: Array<{ path: string, message: string }> }
   };

export type MySessionMetadataQueryVariables = Exact<{ [key: string]: never; }>;


export type MySessionMetadataQuery = { viewer: { user: { emailVerifiedAt: string | null }, session: { id: string, metadata: unknown } } | null };

export type UpdateSessionMetadataMutationVariables = Exact<{
  id: string | number;
  metadata: unknown;
}>;


export type UpdateSessionMetadataMutation = { updateSessionMetadata:
    | { __typename: 'ConflictError', code: ErrorCode, message: string }
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'Session', id: string, metadata: unknown }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, fieldErrors: Array<{ path: string, message: string }> }
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
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type DeleteUserMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteUserMutation = { deleteUser:
    | { __typename: 'AccountDeleted', deletedUserId: string }
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'LastAdminError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
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
    | { __typename: 'EmailNotVerifiedError', code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'SignInSuccess', token: string, user: { id: string, email: string, name: string, status: UserStatus, createdAt: string, lastLoginAt: string | null }, session: { id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean } }
    | { __typename: 'SignUpDisabledError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, fieldErrors: Array<{ path: string, message: string }> }
   };

export type SignInMutationVariables = Exact<{
  input: SignInInput;
}>;


export type SignInMutation = { signIn:
    | { __typename: 'AccountLockedError', lockedUntil: string, code: ErrorCode, message: string }
    | { __typename: 'EmailNotVerifiedError', code: ErrorCode, message: string }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'SignInSuccess', token: string, user: { permissions: Array<string>, id: string, email: string, name: string, status: UserStatus, createdAt: string, lastLoginAt: string | null }, session: { id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean } }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, fieldErrors: Array<{ path: string, message: string }> }
   };

export type RefreshSessionMutationVariables = Exact<{ [key: string]: never; }>;


export type RefreshSessionMutation = { refreshSession:
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'Session', id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean }
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export type SignOutMutationVariables = Exact<{ [key: string]: never; }>;


export type SignOutMutation = { signOut:
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'SignOutSuccess', ok: boolean }
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
    | { __typename: 'UnauthenticatedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, fieldErrors: Array<{ path: string, message: string }> }
   };

export type UserFieldsFragment = { id: string, email: string, name: string, status: UserStatus, createdAt: string, lastLoginAt: string | null };

export type SessionFieldsFragment = { id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean };

type ErrorFields_AccountLockedError_Fragment = { __typename: 'AccountLockedError', code: ErrorCode, message: string };

type ErrorFields_ConflictError_Fragment = { __typename: 'ConflictError', code: ErrorCode, message: string };

type ErrorFields_EmailNotVerifiedError_Fragment = { __typename: 'EmailNotVerifiedError', code: ErrorCode, message: string };

type ErrorFields_ForbiddenError_Fragment = { __typename: 'ForbiddenError', code: ErrorCode, message: string };

type ErrorFields_InvalidCredentialsError_Fragment = { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string };

type ErrorFields_InvalidIdError_Fragment = { __typename: 'InvalidIdError', code: ErrorCode, message: string };

type ErrorFields_InvalidTokenError_Fragment = { __typename: 'InvalidTokenError', code: ErrorCode, message: string };

type ErrorFields_LastAdminError_Fragment = { __typename: 'LastAdminError', code: ErrorCode, message: string };

type ErrorFields_MailDisabledError_Fragment = { __typename: 'MailDisabledError', code: ErrorCode, message: string };

type ErrorFields_NotFoundError_Fragment = { __typename: 'NotFoundError', code: ErrorCode, message: string };

type ErrorFields_RateLimitedError_Fragment = { __typename: 'RateLimitedError', code: ErrorCode, message: string };

type ErrorFields_RoleInUseError_Fragment = { __typename: 'RoleInUseError', code: ErrorCode, message: string };

type ErrorFields_SignUpDisabledError_Fragment = { __typename: 'SignUpDisabledError', code: ErrorCode, message: string };

type ErrorFields_UnauthenticatedError_Fragment = { __typename: 'UnauthenticatedError', code: ErrorCode, message: string };

type ErrorFields_ValidationError_Fragment = { __typename: 'ValidationError', code: ErrorCode, message: string };

export type ErrorFieldsFragment =
  | ErrorFields_AccountLockedError_Fragment
  | ErrorFields_ConflictError_Fragment
  | ErrorFields_EmailNotVerifiedError_Fragment
  | ErrorFields_ForbiddenError_Fragment
  | ErrorFields_InvalidCredentialsError_Fragment
  | ErrorFields_InvalidIdError_Fragment
  | ErrorFields_InvalidTokenError_Fragment
  | ErrorFields_LastAdminError_Fragment
  | ErrorFields_MailDisabledError_Fragment
  | ErrorFields_NotFoundError_Fragment
  | ErrorFields_RateLimitedError_Fragment
  | ErrorFields_RoleInUseError_Fragment
  | ErrorFields_SignUpDisabledError_Fragment
  | ErrorFields_UnauthenticatedError_Fragment
  | ErrorFields_ValidationError_Fragment
;

export type UserAccessFieldsFragment = { id: string, permissions: Array<string>, roles: Array<{ key: string }> };

export type ValidationErrorFieldsFragment = { fieldErrors: Array<{ path: string, message: string }> };

export type HealthQueryVariables = Exact<{ [key: string]: never; }>;


export type HealthQuery = { health: { status: HealthStatus, uptimeSeconds: number, version: string, postgres: { status: HealthStatus, latencyMs: number | null, message: string | null }, redis: { status: HealthStatus, latencyMs: number | null, message: string | null } } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { user: { permissions: Array<string>, id: string, email: string, name: string, status: UserStatus, createdAt: string, lastLoginAt: string | null, roles: Array<{ key: string, name: string }> }, session: { id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean } } | null };

export type MySessionsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  activeOnly?: boolean | null | undefined;
}>;


export type MySessionsQuery = { viewer: { user: { id: string, sessions: { edges: Array<{ cursor: string, node: { id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } } | null };

export type RevokeSessionMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeSessionMutation = { revokeSession:
    | { __typename: 'ForbiddenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'Session', id: string, createdAt: string, lastSeenAt: string, expiresAt: string, revokedAt: string | null, ip: string | null, userAgent: string | null, current: boolean, active: boolean }
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
export const RequestEmailVerificationDocument = new TypedDocumentString(`
    mutation RequestEmailVerification($email: String!) {
  requestEmailVerification(email: $email) {
    __typename
    ... on CheckInbox {
      message
    }
    ... on RateLimitedError {
      retryAfterSeconds
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
}`) as unknown as TypedDocumentString<RequestEmailVerificationMutation, RequestEmailVerificationMutationVariables>;
export const VerifyEmailDocument = new TypedDocumentString(`
    mutation VerifyEmail($token: String!) {
  verifyEmail(token: $token) {
    __typename
    ... on EmailVerified {
      email
      emailVerifiedAt
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<VerifyEmailMutation, VerifyEmailMutationVariables>;
export const RequestPasswordResetDocument = new TypedDocumentString(`
    mutation RequestPasswordReset($email: String!) {
  requestPasswordReset(email: $email) {
    __typename
    ... on CheckInbox {
      message
    }
    ... on RateLimitedError {
      retryAfterSeconds
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
}`) as unknown as TypedDocumentString<RequestPasswordResetMutation, RequestPasswordResetMutationVariables>;
export const ResetPasswordDocument = new TypedDocumentString(`
    mutation ResetPassword($input: ResetPasswordInput!) {
  resetPassword(input: $input) {
    __typename
    ... on ResetPasswordSuccess {
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
}`) as unknown as TypedDocumentString<ResetPasswordMutation, ResetPasswordMutationVariables>;
export const RequestEmailChangeDocument = new TypedDocumentString(`
    mutation RequestEmailChange($input: RequestEmailChangeInput!) {
  requestEmailChange(input: $input) {
    __typename
    ... on CheckInbox {
      message
    }
    ... on RateLimitedError {
      retryAfterSeconds
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
}`) as unknown as TypedDocumentString<RequestEmailChangeMutation, RequestEmailChangeMutationVariables>;
export const ConfirmEmailChangeDocument = new TypedDocumentString(`
    mutation ConfirmEmailChange($token: String!) {
  confirmEmailChange(token: $token) {
    __typename
    ... on EmailChanged {
      email
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<ConfirmEmailChangeMutation, ConfirmEmailChangeMutationVariables>;
export const DeleteAccountDocument = new TypedDocumentString(`
    mutation DeleteAccount($input: DeleteAccountInput!) {
  deleteAccount(input: $input) {
    __typename
    ... on AccountDeleted {
      deletedUserId
    }
    ... on RateLimitedError {
      retryAfterSeconds
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
}`) as unknown as TypedDocumentString<DeleteAccountMutation, DeleteAccountMutationVariables>;
export const MySessionMetadataDocument = new TypedDocumentString(`
    query MySessionMetadata {
  viewer {
    user {
      emailVerifiedAt
    }
    session {
      id
      metadata
    }
  }
}
    `) as unknown as TypedDocumentString<MySessionMetadataQuery, MySessionMetadataQueryVariables>;
export const UpdateSessionMetadataDocument = new TypedDocumentString(`
    mutation UpdateSessionMetadata($id: ID!, $metadata: JSON!) {
  updateSessionMetadata(id: $id, metadata: $metadata) {
    __typename
    ... on Session {
      id
      metadata
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
}`) as unknown as TypedDocumentString<UpdateSessionMetadataMutation, UpdateSessionMetadataMutationVariables>;
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
export const DeleteUserDocument = new TypedDocumentString(`
    mutation DeleteUser($id: ID!) {
  deleteUser(id: $id) {
    __typename
    ... on AccountDeleted {
      deletedUserId
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  __typename
  code
  message
}`) as unknown as TypedDocumentString<DeleteUserMutation, DeleteUserMutationVariables>;
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