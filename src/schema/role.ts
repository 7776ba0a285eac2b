// Role type and its queries. Role mutations (create/update/delete, set permissions, grant/revoke)
// live in role-admin.ts.
import { builder } from "./builder.js";
import { assertPageSize, UserRef } from "./user.js";
import { PermissionRef } from "./permission.js";

export const RoleRef = builder.prismaNode("Role", {
  id: { field: "id" },
  select: { id: true },
  authScopes: { permission: "roles:read", authenticated: true },
  fields: (t) => ({
    key: t.exposeString("key"),
    name: t.exposeString("name"),
    description: t.exposeString("description"),
    permissions: t.field({
      type: [PermissionRef],
      select: (_args, _ctx, nestedSelection) => ({
        permissions: { select: { permission: nestedSelection(true) } },
      }),
      resolve: (role) => role.permissions.map((rp) => rp.permission),
    }),
  }),
});

// Added after both types exist: Role.users -> User -> roles -> Role is a circular reference.
builder.prismaObjectField(RoleRef, "users", (t) =>
  t.connection({
      type: UserRef,
      authScopes: { permission: "users:read" },
      select: (args, ctx, nestedSelection) => ({
        users: {
          ...nestedConnectionWindow(args, ctx.app.config.GRAPHQL_MAX_PAGE_SIZE),
          orderBy: { userId: "asc" },
          select: { userId: true, user: nestedSelection(true) },
        },
      }),
      resolve: (role, args) => connectionFromJoinRows(role.users, args),
    })
);

builder.queryField("roles", (t) =>
  t.prismaField({
    type: ["Role"],
    authScopes: { authenticated: true },
    resolve: (query, _r, _a, ctx) => ctx.app.db.prisma.role.findMany({ ...query, orderBy: { key: "asc" } }),
  }),
);

interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Keyset window on the join table for Role.users (cursor = user id). */
function nestedConnectionWindow(args: PageArgs, max: number) {
  assertPageSize(args.first, args.last, max);
  const first = args.first ?? 20;
  return {
    take: first + 1,
    ...(args.after ? { where: { userId: { gt: decodeCursor(args.after) } } } : {}),
  };
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, "base64url").toString("utf8").replace(/^U:/, "");
}

function connectionFromJoinRows<T>(rows: { userId: string; user: T }[], args: PageArgs) {
  const first = args.first ?? 20;
  const page = rows.slice(0, first);
  const edges = page.map((r) => ({ cursor: Buffer.from(`U:${r.userId}`).toString("base64url"), node: r.user }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
