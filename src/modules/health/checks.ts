// Health of the gateway's dependencies. Postgres down → DOWN (nothing can be answered correctly);
// Redis down → DEGRADED (answers come from Postgres, slower).
import type { App } from "../../app.js";

export type HealthStatus = "OK" | "DEGRADED" | "DOWN";

export interface DependencyHealth {
  status: HealthStatus;
  latencyMs: number | null;
  message: string | null;
}

/** A read replica: OK, LAGGING (further behind than allowed) or DOWN; either of the latter reads from the primary. */
export interface ReplicaReport {
  name: string;
  status: "OK" | "LAGGING" | "DOWN";
  lagSeconds: number | null;
  message: string | null;
}

export interface HealthReport {
  status: HealthStatus;
  postgres: DependencyHealth;
  redis: DependencyHealth;
  replicas: ReplicaReport[];
  uptimeSeconds: number;
  version: string;
}

export async function checkPostgres(app: App): Promise<DependencyHealth> {
  const ping = await app.db.ping(1000);
  return {
    status: ping.ok ? "OK" : "DOWN",
    latencyMs: ping.ok ? round(ping.latencyMs) : null,
    message: ping.ok ? (app.db.embedded ? "embedded PGlite" : null) : (ping.message ?? "unreachable"),
  };
}

export async function checkRedis(app: App): Promise<DependencyHealth> {
  if (app.cache.kind === "memory") return { status: "OK", latencyMs: 0, message: "in-process cache (REDIS_URL not set)" };
  const state = app.cache.status();
  if (state.status !== "OK") return { status: "DEGRADED", latencyMs: null, message: state.message ?? "unavailable" };
  const ping = await app.cache.ping();
  return ping.ok
    ? { status: "OK", latencyMs: round(ping.latencyMs), message: null }
    : { status: "DEGRADED", latencyMs: null, message: ping.message ?? "unreachable" };
}

/** Names, not addresses: health is public. */
export async function checkReplicas(app: App): Promise<ReplicaReport[]> {
  const checked = (await app.db.replicas?.check()) ?? [];
  return checked.map((r, i) => ({ name: `replica-${i + 1}`, status: r.status, lagSeconds: r.lagSeconds, message: r.message ?? null }));
}

export async function checkHealth(app: App): Promise<HealthReport> {
  const [postgres, redis, replicas] = await Promise.all([checkPostgres(app), checkRedis(app), checkReplicas(app)]);
  const degraded = redis.status !== "OK" || replicas.some((r) => r.status !== "OK");
  const status: HealthStatus = postgres.status !== "OK" ? "DOWN" : degraded ? "DEGRADED" : "OK";
  return {
    status,
    postgres,
    redis,
    replicas,
    uptimeSeconds: Math.floor((Date.now() - app.startedAt) / 1000),
    version: app.version,
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
