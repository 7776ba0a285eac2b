// The GraphQL documents of the peer benchmark's workloads (W0–W6). The bench (bench/run.ts) sends
// them under load; test/perf/ pins the SQL statements and Redis commands each one costs.

export const W0_TYPENAME = "{ __typename }";

/** W1 (cache cold) and W2 (cache warm): the viewer's session and user. */
export const VIEWER = "query Viewer { viewer { session { id createdAt expiresAt active } user { id email name status } } }";

/** W3: a page of users with their sessions and roles → permissions. */
export const USERS_PAGE = `query UsersPage($first: Int!, $after: String) {
  users(first: $first, after: $after) {
    edges { node { id email name status
      roles { key permissions { key } }
      sessions(first: 5) { edges { node { id createdAt expiresAt active } } } } }
    pageInfo { endCursor hasNextPage }
  }
}`;

/** W4: the viewer's effective permissions. */
export const EFFECTIVE_PERMISSIONS = "query Permissions { viewer { user { id permissions } } }";

/** W5: sign-in with a password. */
export const SIGN_IN = `mutation SignIn($input: SignInInput!) {
  signIn(input: $input) { __typename ... on SignInSuccess { token session { id } user { id } } ... on Error { code } }
}`;

/** W6: an admin revokes one session. */
export const REVOKE_SESSION = `mutation Revoke($id: ID!) {
  revokeSession(id: $id) { __typename ... on Session { id revokedAt } ... on Error { code } }
}`;
