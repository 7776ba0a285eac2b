import { builder } from "./builder.js";

export const PermissionRef = builder.prismaNode("Permission", {
  id: { field: "id" },
  select: { id: true },
  authScopes: { authenticated: true },
  fields: (t) => ({
    key: t.exposeString("key"),
    description: t.exposeString("description"),
  }),
});

builder.queryField("permissions", (t) =>
  t.prismaField({
    type: ["Permission"],
    authScopes: { authenticated: true },
    description: "The permission catalogue.",
    resolve: (query, _r, _a, ctx) => ctx.app.db.prisma.permission.findMany({ ...query, orderBy: { key: "asc" } }),
  }),
);
