// The PostGraphile v5 documents of the peer benchmark (bench/perf/peer-server.ts, Amber preset, default
// inflection): what PostGraphile needs to send for the same answer as W0, W1, W3, W4 and W6 of
// ./documents.ts. PostGraphile has no sessions or tokens: the viewer is a session row read by id and
// joined with its user, nothing checks a token hash, expiry or permission, and `active` is left to the
// client (it gets revokedAt and expiresAt). Workloads without a counterpart (the warm caches, sign-in) have none.

export const PEER_TYPENAME = "{ __typename }";

/** W1: the session by id, joined with its user. */
export const PEER_VIEWER = `query Viewer($id: UUID!) {
  sessionByRowId(rowId: $id) { rowId createdAt expiresAt revokedAt userByUserId { rowId email name status } }
}`;

/**
 * W3: a page of users (keyset on created_at, id, as the gateway orders) with their roles → permissions
 * and up to 5 sessions. Amber orders only by indexed columns, and sessions have no created_at index:
 * they come in primary-key order (every bench user has 3, so the same rows).
 */
export const PEER_USERS_PAGE = `query UsersPage($first: Int!, $after: Cursor) {
  allUsers(first: $first, after: $after, orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) {
    nodes { rowId email name status
      userRolesByUserId { nodes { roleByRoleId { key rolePermissionsByRoleId { nodes { permissionByPermissionId { key } } } } } }
      sessionsByUserId(first: 5) { nodes { rowId createdAt expiresAt revokedAt } } }
    pageInfo { endCursor hasNextPage }
  }
}`;

/** W4: the permissions of the session's user, per role (the client takes the union). */
export const PEER_EFFECTIVE_PERMISSIONS = `query Permissions($id: UUID!) {
  sessionByRowId(rowId: $id) { userByUserId { rowId
    userRolesByUserId { nodes { roleByRoleId { rolePermissionsByRoleId { nodes { permissionByPermissionId { key } } } } } } } }
}`;

/** W6: a revoke is an update of the session row (no audit event, no cache to invalidate). */
export const PEER_REVOKE_SESSION = `mutation Revoke($id: UUID!, $at: Datetime!) {
  updateSessionByRowId(input: { rowId: $id, sessionPatch: { revokedAt: $at, revokedReason: "bench" } }) { session { rowId revokedAt } }
}`;
