// Prometheus metrics of one gateway instance. Each App gets its own registry (never prom-client's
// global one), so several instances in one process — the test suite — do not collide or mix counts.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { App } from "../app.js";
import { statsFor } from "../cache/stats.js";
import type { BreakerState } from "../cache/types.js";

export interface Metrics {
  registry: Registry;
  /** One GraphQL operation finished; `outcome` is ok | error (any `errors` entry). */
  operations: Counter<"operation" | "type" | "outcome">;
  /** Wall time of one HTTP request to /graphql; a batch is labelled `operation="(batch)"`. */
  duration: Histogram<"operation" | "type">;
  /** Entries of a response's `errors`, by `extensions.code`. */
  errors: Counter<"code">;
  /** signIn results: success or the lower-cased error code. */
  signIns: Counter<"outcome">;
  /** Second-factor attempts by method, purpose and outcome. */
  secondFactors: Counter<"method" | "purpose" | "outcome">;
  /** Bounds the `operation` label: names are chosen by clients. */
  operationLabel(name: string | null | undefined): string;
}

const BREAKER_STATES: readonly BreakerState[] = ["closed", "open", "half-open"];
/** Distinct operation names tracked per instance; later names are counted as `(other)`. */
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const instances = new WeakMap<App, Metrics>();

/** The metrics of `app`, created on first use. */
export function metricsOf(app: App): Metrics {
  let m = instances.get(app);
  if (!m) {
    m = createMetrics(app);
    instances.set(app, m);
  }
  return m;
}

function createMetrics(app: App): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "authgraph_" });

  const operations = new Counter({
    name: "authgraph_graphql_operations_total",
    help: "GraphQL operations executed, by operation name, type and outcome.",
    labelNames: ["operation", "type", "outcome"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "authgraph_graphql_request_duration_seconds",
    help: "Latency of GraphQL HTTP requests, by operation name and type.",
    labelNames: ["operation", "type"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: "authgraph_graphql_errors_total",
    help: "Errors returned in GraphQL responses, by error code.",
    labelNames: ["code"] as const,
    registers: [registry],
  });
  const signIns = new Counter({
    name: "authgraph_sign_ins_total",
    help: "Sign-in attempts by outcome (success, mfa_required, invalid_credentials, rate_limited, account_locked, validation_failed, error).",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });

  const secondFactors = new Counter({
    name: "authgraph_second_factor_total",
    help: "Second-factor attempts by method (totp, recovery_code, passkey, none), purpose (sign_in, step_up, disable, enrolment) and outcome (ok or an error code).",
    labelNames: ["method", "purpose", "outcome"] as const,
    registers: [registry],
  });

  // The cache layer keeps plain counters (no prom-client dependency there); mirror them at scrape time.
  new Counter({
    name: "authgraph_cache_lookups_total",
    help: "Cache lookups by fragment kind and result (hit or miss).",
    labelNames: ["kind", "result"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, s] of Object.entries(statsFor(app).snapshot())) {
        this.inc({ kind, result: "hit" }, s.hits);
        this.inc({ kind, result: "miss" }, s.misses);
      }
    },
  });
  new Gauge({
    name: "authgraph_cache_breaker_state",
    help: "Cache circuit breaker: 1 for the current state (closed = Redis in use, open = bypassed).",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const current = app.cache.status().breaker;
      for (const state of BREAKER_STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });
  new Gauge({
    name: "authgraph_cache_up",
    help: "1 when the cache reports OK, 0 when DEGRADED or DOWN.",
    registers: [registry],
    collect() {
      this.set(app.cache.status().status === "OK" ? 1 : 0);
    },
  });
  new Gauge({
    name: "authgraph_db_pool_connections",
    help: "PostgreSQL pool: open connections (total), idle ones, and queries waiting for one.",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const { pool } = app.db;
      this.set({ state: "total" }, pool.totalCount);
      this.set({ state: "idle" }, pool.idleCount);
      this.set({ state: "waiting" }, pool.waitingCount);
    },
  });
  new Gauge({
    name: "authgraph_db_pool_max",
    help: "Configured PostgreSQL pool size (the embedded database always uses 1).",
    registers: [registry],
    collect() {
      this.set(app.db.embedded ? 1 : app.config.DATABASE_POOL_MAX);
    },
  });

  const names = new Set<string>();
  const operationLabel = (name: string | null | undefined): string => {
    if (!name) return "(anonymous)";
    if (!OPERATION_NAME.test(name)) return "(other)";
    if (names.has(name)) return name;
    if (names.size >= MAX_OPERATION_NAMES) return "(other)";
    names.add(name);
    return name;
  };

  return { registry, operations, duration, errors, signIns, secondFactors, operationLabel };
}

/** Counts the outcome of a sign-in attempt and passes the result (or the error) through unchanged. */
export async function observeSignIn<T>(app: App, attempt: Promise<T>): Promise<T> {
  const { signIns } = metricsOf(app);
  try {
    const result = await attempt;
    // A non-error answer that is not a session (a second factor is required) is an Error subclass
    // the GraphQL union returns; its name labels it.
    signIns.inc({ outcome: result instanceof Error ? result.name.replace(/(?<=[a-z])(?=[A-Z])/g, "_").toLowerCase() : "success" });
    return result;
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error ? (error as { code: unknown }).code : null;
    signIns.inc({ outcome: typeof code === "string" && /^[A-Z_]{1,40}$/.test(code) ? code.toLowerCase() : "error" });
    throw error;
  }
}

/** Second-factor outcomes: `method` totp | recovery_code | passkey | none, `purpose` sign_in | step_up | disable | enrolment, `outcome` ok or the lower-cased error code. */
export function observeSecondFactor(app: App, labels: { method: string; purpose: string; outcome: string }): void {
  metricsOf(app).secondFactors.inc(labels);
}
