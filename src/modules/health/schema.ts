import { checkHealth } from "./checks.js";
import type { DependencyHealth, HealthReport, ReplicaReport } from "./checks.js";
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

const ReplicaStatusEnum = builder.enumType("ReplicaStatus", { values: ["OK", "LAGGING", "DOWN"] as const });

const ReplicaHealthRef = builder.objectRef<ReplicaReport>("ReplicaHealth").implement({
  authScopes: { public: true },
  description: "A PostgreSQL read replica. LAGGING or DOWN: its reads go to the primary.",
  fields: (t) => ({
    name: t.exposeString("name"),
    status: t.field({ type: ReplicaStatusEnum, resolve: (r) => r.status }),
    lagSeconds: t.exposeFloat("lagSeconds", { nullable: true, description: "Replay delay behind the primary; 0 when caught up." }),
    message: t.exposeString("message", { nullable: true }),
  }),
});

const HealthRef = builder.objectRef<HealthReport>("Health").implement({
  authScopes: { public: true },
  fields: (t) => ({
    status: t.field({ type: HealthStatusEnum, resolve: (h) => h.status }),
    postgres: t.field({ type: DependencyHealthRef, resolve: (h) => h.postgres }),
    redis: t.field({ type: DependencyHealthRef, resolve: (h) => h.redis }),
    replicas: t.field({ type: [ReplicaHealthRef], resolve: (h) => h.replicas }),
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
