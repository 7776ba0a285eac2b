import { checkHealth } from "./checks.js";
import type { DependencyHealth, HealthReport } from "./checks.js";
import { builder } from "../../graphql/builder.js";

const HealthStatusEnum = builder.enumType("HealthStatus", { values: ["OK", "DEGRADED", "DOWN"] as const });

const DependencyHealthRef = builder.objectRef<DependencyHealth>("DependencyHealth").implement({
  authScopes: { public: true },
  fields: (t) => ({
    status: t.field({ type: HealthStatusEnum, resolve: (d) => d.status }),
    latencyMs: t.exposeFloat("latencyMs", { nullable: true }),
    message: t.exposeString("message", { nullable: true }),
  }),
});

const HealthRef = builder.objectRef<HealthReport>("Health").implement({
  authScopes: { public: true },
  fields: (t) => ({
    status: t.field({ type: HealthStatusEnum, resolve: (h) => h.status }),
    postgres: t.field({ type: DependencyHealthRef, resolve: (h) => h.postgres }),
    redis: t.field({ type: DependencyHealthRef, resolve: (h) => h.redis }),
    uptimeSeconds: t.exposeInt("uptimeSeconds"),
    version: t.exposeString("version"),
  }),
});

builder.queryField("health", (t) =>
  t.field({
    type: HealthRef,
    authScopes: { public: true },
    description: "Health of the gateway and its dependencies. Public, so load balancers and humans can read it.",
    resolve: (_root, _args, ctx) => checkHealth(ctx.app),
  }),
);
