// Role type and its queries. Role mutations (create/update/delete, set permissions, grant/revoke)
// live in role-admin.ts.
import { InvalidCursorError } from "../../errors.js";
import { builder } from "../../graphql/builder.js";
import { isUuid } from "../../graphql/global-id.js";
import { assertPageSize, UserRef } from "../users/schema.js";
import type { PageArgs } from "../users/schema.js";
import { PermissionRef } from "./permission-schema.js";

export const RoleRef = builder.prismaNode("Role", {
  id: { field: "id" },
  select: { id: true },
  // Any role with roles:read; a role reached through a readable user (the viewer's own roles
  // included) is granted by User.roles.
  authScopes: { permission: "roles:read", $granted: "viaUser" },
  fields: (t) => ({
    key: t.exposeString("key"),
    name: t.exposeString("name"),
    description: t.exposeString("description"),
    permissions: t.field({
      type: [PermissionRef],
      // Whoever may see the role may see what it grants.
      grantScopes: ["viaRole"],
      resolve: (role, _args, ctx) => ctx.loaders.rolePermissions.load(role.id),
    }),
  }),
});

// Added after both types exist: Role.users -> User -> roles -> Role is a circular reference.
builder.prismaObjectField(RoleRef, "users", (t) =>
  t.connection({
    type: UserRef,
    authScopes: { permission: "users:read" },
    // Part of the parent's query: the holders of every role on a page come in one statement.
    select: (args, ctx, nestedSelection) => {
      const w = joinWindow(args, ctx.app.config.GRAPHQL_MAX_PAGE_SIZE);
      return {
        users: {
          ...(w.cursor ? { where: { userId: w.backward ? { lt: w.cursor } : { gt: w.cursor } } } : {}),
          orderBy: { userId: w.backward ? "desc" : "asc" },
          take: w.size + 1,
          select: { userId: true, user: nestedSelection(true) },
        },
      };
    },
    resolve: (role, args) => connectionFromJoinRows(role.users, joinWindow(args, Number.MAX_SAFE_INTEGER)),
  }),
);

builder.queryField("roles", (t) =>
  t.prismaField({
    type: ["Role"],
    authScopes: { permission: "roles:read" },
    resolve: (query, _r, _a, ctx) => ctx.app.db.prisma.role.findMany({ ...query, orderBy: { key: "asc" } }),
  }),
);

interface JoinWindow {
  size: number;
  backward: boolean;
  cursor: string | null;
}

/** Keyset window on the join table for Role.users (cursor = the user id). */
function joinWindow(args: PageArgs, max: number): JoinWindow {
  assertPageSize(args.first, args.last, max);
  const backward = args.last != null || (args.before != null && args.first == null);
  const raw = backward ? args.before : args.after;
  return { size: (backward ? args.last : args.first) ?? 20, backward, cursor: raw == null ? null : decodeCursor(raw) };
}

const CURSOR_PREFIX = "U:";

function encodeCursor(userId: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${userId}`).toString("base64url");
}

function decodeCursor(cursor: string): string {
  const raw = Buffer.from(cursor, "base64url").toString("utf8");
  const id = raw.slice(CURSOR_PREFIX.length);
  if (!raw.startsWith(CURSOR_PREFIX) || !isUuid(id)) throw new InvalidCursorError();
  return id;
}

function connectionFromJoinRows<T>(rows: { userId: string; user: T }[], w: JoinWindow) {
  const more = rows.length > w.size;
  const page = rows.slice(0, w.size);
  if (w.backward) page.reverse();
  const edges = page.map((r) => ({ cursor: encodeCursor(r.userId), node: r.user }));
  return {
    edges,
    pageInfo: {
      hasNextPage: w.backward ? w.cursor !== null : more,
      hasPreviousPage: w.backward ? more : w.cursor !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
