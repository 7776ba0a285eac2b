
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "ChangePasswordResult": [
      "ChangePasswordSuccess",
      "ForbiddenError",
      "InvalidCredentialsError",
      "InvalidIdError",
      "NotFoundError",
      "RateLimitedError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "CleanupExpiredSessionsResult": [
      "CleanupExpiredSessionsSuccess",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "CreateRoleResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Role",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "CreateUserResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "DeleteRoleResult": [
      "DeleteRoleSuccess",
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "RoleInUseError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "Error": [
      "AccountLockedError",
      "ConflictError",
      "ForbiddenError",
      "InvalidCredentialsError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "RateLimitedError",
      "RoleInUseError",
      "SignUpDisabledError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "GrantRoleResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "Node": [
      "AuditEvent",
      "Permission",
      "Role",
      "Session",
      "User"
    ],
    "PurgeAuditEventsResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "PurgeAuditEventsSuccess",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RefreshSessionResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Session",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RevokeAllSessionsResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "RevokeAllSessionsSuccess",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RevokeRoleResult": [
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "RevokeSessionResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Session",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SetRolePermissionsResult": [
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "Role",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SetUserStatusResult": [
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "SetUserStatusSuccess",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SignInResult": [
      "AccountLockedError",
      "InvalidCredentialsError",
      "RateLimitedError",
      "SignInSuccess",
      "ValidationError"
    ],
    "SignOutResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "SignOutSuccess",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SignUpResult": [
      "ConflictError",
      "RateLimitedError",
      "SignInSuccess",
      "SignUpDisabledError",
      "ValidationError"
    ],
    "UpdateRoleResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Role",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "UpdateUserResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "ChangePasswordResult": [
      "ChangePasswordSuccess",
      "ForbiddenError",
      "InvalidCredentialsError",
      "InvalidIdError",
      "NotFoundError",
      "RateLimitedError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "CleanupExpiredSessionsResult": [
      "CleanupExpiredSessionsSuccess",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "CreateRoleResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Role",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "CreateUserResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "DeleteRoleResult": [
      "DeleteRoleSuccess",
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "RoleInUseError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "Error": [
      "AccountLockedError",
      "ConflictError",
      "ForbiddenError",
      "InvalidCredentialsError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "RateLimitedError",
      "RoleInUseError",
      "SignUpDisabledError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "GrantRoleResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "Node": [
      "AuditEvent",
      "Permission",
      "Role",
      "Session",
      "User"
    ],
    "PurgeAuditEventsResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "PurgeAuditEventsSuccess",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RefreshSessionResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Session",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RevokeAllSessionsResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "RevokeAllSessionsSuccess",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RevokeRoleResult": [
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "RevokeSessionResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Session",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SetRolePermissionsResult": [
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "Role",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SetUserStatusResult": [
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "SetUserStatusSuccess",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SignInResult": [
      "AccountLockedError",
      "InvalidCredentialsError",
      "RateLimitedError",
      "SignInSuccess",
      "ValidationError"
    ],
    "SignOutResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "SignOutSuccess",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SignUpResult": [
      "ConflictError",
      "RateLimitedError",
      "SignInSuccess",
      "SignUpDisabledError",
      "ValidationError"
    ],
    "UpdateRoleResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Role",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "UpdateUserResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ]
  }
};
      export default result;
    