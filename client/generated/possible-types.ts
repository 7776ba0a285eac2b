
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "ChangePasswordResult": [
      "ChangePasswordSuccess",
      "ForbiddenError",
      "InvalidCredentialsError",
      "InvalidIdError",
      "NotFoundError",
      "RateLimitedError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "CleanupExpiredSessionsResult": [
      "CleanupExpiredSessionsSuccess",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "CompleteSignInResult": [
      "AccountLockedError",
      "InvalidSecondFactorError",
      "MfaChallengeInvalidError",
      "RateLimitedError",
      "SignInSuccess",
      "ValidationError"
    ],
    "ConfirmEmailChangeResult": [
      "ConflictError",
      "EmailChanged",
      "InvalidTokenError"
    ],
    "ConfirmTotpResult": [
      "ForbiddenError",
      "InvalidIdError",
      "InvalidSecondFactorError",
      "MfaNotConfiguredError",
      "NotFoundError",
      "RecoveryCodes",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "CreateRoleResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Role",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "CreateUserResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "DeleteAccountResult": [
      "AccountDeleted",
      "ForbiddenError",
      "InvalidCredentialsError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "RateLimitedError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "DeletePasskeyResult": [
      "DeletePasskeySuccess",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "DeleteRoleResult": [
      "DeleteRoleSuccess",
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "RoleInUseError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "DeleteUserResult": [
      "AccountDeleted",
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "DisableTotpResult": [
      "AccountLockedError",
      "DisableTotpSuccess",
      "ForbiddenError",
      "InvalidCredentialsError",
      "InvalidIdError",
      "InvalidSecondFactorError",
      "MfaChallengeInvalidError",
      "MfaNotConfiguredError",
      "NotFoundError",
      "RateLimitedError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "EnrollTotpResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "MfaNotConfiguredError",
      "NotFoundError",
      "StepUpRequiredError",
      "TotpEnrollment",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "Error": [
      "AccountLockedError",
      "ConflictError",
      "EmailNotVerifiedError",
      "ForbiddenError",
      "InvalidCredentialsError",
      "InvalidIdError",
      "InvalidSecondFactorError",
      "InvalidTokenError",
      "LastAdminError",
      "MailDisabledError",
      "MfaChallengeInvalidError",
      "MfaNotConfiguredError",
      "NotFoundError",
      "RateLimitedError",
      "RoleInUseError",
      "SignUpDisabledError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "GrantRoleResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "Node": [
      "AuditEvent",
      "Passkey",
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
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RefreshSessionResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Session",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RegenerateRecoveryCodesResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "RecoveryCodes",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RegisterPasskeyResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "InvalidSecondFactorError",
      "MfaChallengeInvalidError",
      "NotFoundError",
      "Passkey",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RequestEmailChangeResult": [
      "CheckInbox",
      "ForbiddenError",
      "InvalidCredentialsError",
      "InvalidIdError",
      "MailDisabledError",
      "NotFoundError",
      "RateLimitedError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RequestEmailVerificationResult": [
      "CheckInbox",
      "MailDisabledError",
      "RateLimitedError",
      "ValidationError"
    ],
    "RequestPasswordResetResult": [
      "CheckInbox",
      "MailDisabledError",
      "RateLimitedError",
      "ValidationError"
    ],
    "ResetPasswordResult": [
      "InvalidTokenError",
      "ResetPasswordSuccess",
      "ValidationError"
    ],
    "ResetUserMfaResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "RevokeAllSessionsResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "RevokeAllSessionsSuccess",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RevokeRoleResult": [
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "RevokeSessionResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Session",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SetRolePermissionsResult": [
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "Role",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SetUserStatusResult": [
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "SetUserStatusSuccess",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SignInResult": [
      "AccountLockedError",
      "EmailNotVerifiedError",
      "InvalidCredentialsError",
      "MfaRequired",
      "RateLimitedError",
      "SignInSuccess",
      "ValidationError"
    ],
    "SignOutResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "SignOutSuccess",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SignUpResult": [
      "ConflictError",
      "EmailNotVerifiedError",
      "RateLimitedError",
      "SignInSuccess",
      "SignUpDisabledError",
      "ValidationError"
    ],
    "StartPasskeyRegistrationResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "PasskeyChallenge",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "StartPasskeySignInResult": [
      "PasskeyChallenge",
      "RateLimitedError"
    ],
    "StartPasskeyStepUpResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "PasskeyChallenge",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "StepUpResult": [
      "AccountLockedError",
      "ForbiddenError",
      "InvalidIdError",
      "InvalidSecondFactorError",
      "MfaChallengeInvalidError",
      "NotFoundError",
      "RateLimitedError",
      "Session",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "UpdateRoleResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Role",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "UpdateSessionMetadataResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Session",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "UpdateUserResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "VerifyEmailResult": [
      "EmailVerified",
      "InvalidTokenError"
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
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "CleanupExpiredSessionsResult": [
      "CleanupExpiredSessionsSuccess",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "CompleteSignInResult": [
      "AccountLockedError",
      "InvalidSecondFactorError",
      "MfaChallengeInvalidError",
      "RateLimitedError",
      "SignInSuccess",
      "ValidationError"
    ],
    "ConfirmEmailChangeResult": [
      "ConflictError",
      "EmailChanged",
      "InvalidTokenError"
    ],
    "ConfirmTotpResult": [
      "ForbiddenError",
      "InvalidIdError",
      "InvalidSecondFactorError",
      "MfaNotConfiguredError",
      "NotFoundError",
      "RecoveryCodes",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "CreateRoleResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Role",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "CreateUserResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "DeleteAccountResult": [
      "AccountDeleted",
      "ForbiddenError",
      "InvalidCredentialsError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "RateLimitedError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "DeletePasskeyResult": [
      "DeletePasskeySuccess",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "DeleteRoleResult": [
      "DeleteRoleSuccess",
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "RoleInUseError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "DeleteUserResult": [
      "AccountDeleted",
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "DisableTotpResult": [
      "AccountLockedError",
      "DisableTotpSuccess",
      "ForbiddenError",
      "InvalidCredentialsError",
      "InvalidIdError",
      "InvalidSecondFactorError",
      "MfaChallengeInvalidError",
      "MfaNotConfiguredError",
      "NotFoundError",
      "RateLimitedError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "EnrollTotpResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "MfaNotConfiguredError",
      "NotFoundError",
      "StepUpRequiredError",
      "TotpEnrollment",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "Error": [
      "AccountLockedError",
      "ConflictError",
      "EmailNotVerifiedError",
      "ForbiddenError",
      "InvalidCredentialsError",
      "InvalidIdError",
      "InvalidSecondFactorError",
      "InvalidTokenError",
      "LastAdminError",
      "MailDisabledError",
      "MfaChallengeInvalidError",
      "MfaNotConfiguredError",
      "NotFoundError",
      "RateLimitedError",
      "RoleInUseError",
      "SignUpDisabledError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "GrantRoleResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "Node": [
      "AuditEvent",
      "Passkey",
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
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RefreshSessionResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Session",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RegenerateRecoveryCodesResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "RecoveryCodes",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RegisterPasskeyResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "InvalidSecondFactorError",
      "MfaChallengeInvalidError",
      "NotFoundError",
      "Passkey",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RequestEmailChangeResult": [
      "CheckInbox",
      "ForbiddenError",
      "InvalidCredentialsError",
      "InvalidIdError",
      "MailDisabledError",
      "NotFoundError",
      "RateLimitedError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RequestEmailVerificationResult": [
      "CheckInbox",
      "MailDisabledError",
      "RateLimitedError",
      "ValidationError"
    ],
    "RequestPasswordResetResult": [
      "CheckInbox",
      "MailDisabledError",
      "RateLimitedError",
      "ValidationError"
    ],
    "ResetPasswordResult": [
      "InvalidTokenError",
      "ResetPasswordSuccess",
      "ValidationError"
    ],
    "ResetUserMfaResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "RevokeAllSessionsResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "RevokeAllSessionsSuccess",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "RevokeRoleResult": [
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "RevokeSessionResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Session",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SetRolePermissionsResult": [
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "Role",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SetUserStatusResult": [
      "ForbiddenError",
      "InvalidIdError",
      "LastAdminError",
      "NotFoundError",
      "SetUserStatusSuccess",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SignInResult": [
      "AccountLockedError",
      "EmailNotVerifiedError",
      "InvalidCredentialsError",
      "MfaRequired",
      "RateLimitedError",
      "SignInSuccess",
      "ValidationError"
    ],
    "SignOutResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "SignOutSuccess",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "SignUpResult": [
      "ConflictError",
      "EmailNotVerifiedError",
      "RateLimitedError",
      "SignInSuccess",
      "SignUpDisabledError",
      "ValidationError"
    ],
    "StartPasskeyRegistrationResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "PasskeyChallenge",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "StartPasskeySignInResult": [
      "PasskeyChallenge",
      "RateLimitedError"
    ],
    "StartPasskeyStepUpResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "PasskeyChallenge",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "StepUpResult": [
      "AccountLockedError",
      "ForbiddenError",
      "InvalidIdError",
      "InvalidSecondFactorError",
      "MfaChallengeInvalidError",
      "NotFoundError",
      "RateLimitedError",
      "Session",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "UpdateRoleResult": [
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Role",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "UpdateSessionMetadataResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "Session",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "UpdateUserResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidIdError",
      "NotFoundError",
      "StepUpRequiredError",
      "UnauthenticatedError",
      "User",
      "ValidationError"
    ],
    "VerifyEmailResult": [
      "EmailVerified",
      "InvalidTokenError"
    ]
  }
};
      export default result;
    