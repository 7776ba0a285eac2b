// The permission catalogue the seed installs. Keys are `resource:action`.
export const PERMISSIONS = {
  "users:read": "Read any user's profile, roles and permissions",
  "users:write": "Create and update users, change their status",
  "sessions:read": "Read any user's sessions",
  "sessions:revoke": "Revoke any user's sessions and clean up expired ones",
  "roles:read": "Read roles and the permission catalogue",
  "roles:write": "Create, change and delete roles; grant and revoke them",
  "audit:read": "Read the audit trail and verify its integrity",
  "system:admin": "Operate the gateway: retention purges and other maintenance",
} as const;

export type PermissionKey = keyof typeof PERMISSIONS;
export const PERMISSION_KEYS = Object.keys(PERMISSIONS) as PermissionKey[];

export const ADMIN_ROLE_KEY = "admin";
export const MEMBER_ROLE_KEY = "member";
