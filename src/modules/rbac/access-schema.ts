// Access explanations: `explainAccess` for administrators (roles:read) and `Viewer.can` for frontends
// deciding what to show. Both answer for the same permission rule requests are authorised with.
import { builder } from "../../graphql/builder.js";
import { ViewerRef } from "../sessions/schema.js";
import { UserRef, UserStatusEnum } from "../users/schema.js";
import { explainAccess, permissionKey } from "./explain.js";
import type { AccessExplanation } from "./explain.js";
import { RoleRef } from "./schema.js";

const PermissionCacheStateEnum = builder.enumType("PermissionCacheState", {
  values: {
    HIT: { description: "Decided from the user's cached permission set (current epoch)." },
    MISS: { description: "Not cached: loaded from PostgreSQL (and cached for the next request)." },
    BYPASSED: { description: "The cache is not trusted right now (Redis unreachable or recovering): PostgreSQL only." },
  } as const,
});

const AccessExplanationRef = builder.objectRef<AccessExplanation>("AccessExplanation").implement({
  description: "Why a user has, or lacks, one permission.",
  authScopes: { permission: "roles:read" },
  fields: (t) => ({
    permission: t.exposeString("permission"),
    allowed: t.exposeBoolean("allowed", { description: "Granted by one of the user's roles, and the user is ACTIVE." }),
    userStatus: t.field({ type: UserStatusEnum, resolve: (e) => e.userStatus }),
    grantingRoles: t.field({ type: [RoleRef], description: "The user's roles that grant the permission.", resolve: (e) => e.grantingRoles }),
    closestRole: t.field({
      type: RoleRef,
      nullable: true,
      description: "When no role of the user grants it: the role granting it with the fewest permissions.",
      resolve: (e) => e.closestRole,
    }),
    requiresMfa: t.exposeBoolean("requiresMfa", { description: "Granted only by roles that require a second factor: sessions without one lack it." }),
    cacheState: t.field({ type: PermissionCacheStateEnum, resolve: (e) => e.cacheState }),
    cacheAgreesWithDatabase: t.exposeBoolean("cacheAgreesWithDatabase", { description: "False while a cached set is stale (an invalidation not yet confirmed)." }),
  }),
});

builder.queryField("explainAccess", (t) =>
  t.field({
    type: AccessExplanationRef,
    description: "Whether a user holds a permission, through which roles, and from which cache state. Requires roles:read.",
    authScopes: { permission: "roles:read" },
    args: {
      userId: t.arg.globalID({ for: UserRef }),
      permission: t.arg.string({ description: "A permission key, e.g. users:read." }),
    },
    resolve: (_r, args, ctx) => explainAccess(ctx.app, args.userId.id, permissionKey(args.permission)),
  }),
);

builder.objectField(ViewerRef, "can", (t) =>
  t.boolean({
    description: "Whether this session may use a permission now (for hiding what the user may not do; the server still checks).",
    args: { permission: t.arg.string({ description: "A permission key, e.g. users:read." }) },
    resolve: (_v, args, ctx) => ctx.hasPermission(permissionKey(args.permission)),
  }),
);
