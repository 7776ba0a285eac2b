// Permission: a catalogue entry (`resource:action`). A plain Relay node rather than a Prisma object:
// Role.permissions comes from a DataLoader that joins role_permissions and permissions in ONE
// statement, which plugin-prisma's nested selection (join table, then permissions) cannot do.
import type { PermissionRecord } from "./permissions.js";
import { builder } from "../../graphql/builder.js";

const PERMISSION_SELECT = { id: true, key: true, description: true } as const;

export const PermissionRef = builder.node(builder.objectRef<PermissionRecord>("Permission"), {
  id: { resolve: (p) => p.id },
  // The catalogue needs roles:read; a permission reached through a readable role (including the
  // viewer's own roles) is granted by Role.permissions.
  authScopes: { permission: "roles:read", $granted: "viaRole" },
  loadMany: async (ids, ctx) => {
    const rows = await ctx.app.db.prisma.permission.findMany({ where: { id: { in: [...ids] } }, select: PERMISSION_SELECT });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  },
  fields: (t) => ({
    key: t.exposeString("key"),
    description: t.exposeString("description"),
  }),
});

builder.queryField("permissions", (t) =>
  t.field({
    type: [PermissionRef],
    authScopes: { permission: "roles:read" },
    description: "The permission catalogue.",
    resolve: (_r, _a, ctx) => ctx.app.db.prisma.permission.findMany({ select: PERMISSION_SELECT, orderBy: { key: "asc" } }),
  }),
);
