// /metrics (Prometheus text format) and the per-request observations behind it: operation counts and
// outcomes, latency, error codes, plus one access-log line per GraphQL request with its request id.
import { createHash, timingSafeEqual } from "node:crypto";
import { getOperationAST } from "graphql";
import type { ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { App } from "../../app.js";
import { metricsOf } from "../../observability/metrics.js";
import type { ServerContext } from "../context.js";
import { requestIdOf } from "./request-id.js";

export const METRICS_PATH = "/metrics";

interface Operation {
  name: string;
  type: string;
}

interface Observed {
  startedAt: number;
  operations: Operation[];
  codes: string[];
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return v4.startsWith("127.") || address === "::1";
}

/**
 * With METRICS_TOKEN: `Authorization: Bearer <token>` (compared in constant time). Without it: only
 * direct loopback callers; a request that came through a proxy (forwarding headers) is refused, since
 * a proxy on the same host would otherwise make every remote caller look local.
 */
function denied(app: App, request: Request, server: ServerContext | undefined): Response | null {
  const token = app.config.METRICS_TOKEN;
  if (token) {
    const given = request.headers.get("authorization") ?? "";
    const ok = timingSafeEqual(digest(given), digest(`Bearer ${token}`));
    return ok ? null : new Response("Unauthorized\n", { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } });
  }
  const forwarded = ["forwarded", "x-forwarded-for", "x-real-ip"].some((h) => request.headers.has(h));
  if (!forwarded && isLoopback(server?.req?.socket?.remoteAddress)) return null;
  return new Response("Forbidden: /metrics answers loopback only unless METRICS_TOKEN is set\n", { status: 403 });
}

function codeLabel(code: unknown): string {
  return typeof code === "string" && /^[A-Z][A-Z0-9_]{0,49}$/.test(code) ? code : "UNKNOWN";
}

export function useMetrics(app: App, graphqlEndpoint: string): Plugin {
  const metrics = metricsOf(app);
  const observed = new WeakMap<Request, Observed>();
  const byContext = new WeakMap<object, Operation>();

  return {
    async onRequest({ request, url, serverContext, endResponse }) {
      if (url.pathname === METRICS_PATH) {
        const refusal = denied(app, request, serverContext as ServerContext | undefined);
        if (refusal) return endResponse(refusal);
        const body = await metrics.registry.metrics();
        return endResponse(new Response(body, { headers: { "content-type": metrics.registry.contentType, "cache-control": "no-store" } }));
      }
      if (url.pathname === graphqlEndpoint) observed.set(request, { startedAt: performance.now(), operations: [], codes: [] });
    },
    onParams({ params, request, context }) {
      const operation: Operation = { name: metrics.operationLabel(params.operationName), type: "unknown" };
      byContext.set(context, operation);
      observed.get(request)?.operations.push(operation);
    },
    onExecute({ args }) {
      const operation = byContext.get(args.contextValue as object);
      if (!operation) return;
      const ast = getOperationAST(args.document, args.operationName);
      operation.name = metrics.operationLabel(ast?.name?.value ?? args.operationName);
      operation.type = ast?.operation ?? "unknown";
    },
    onExecutionResult({ result, context }) {
      const operation = byContext.get(context);
      if (!operation || !result) return;
      const failed = !(Symbol.asyncIterator in result) && Boolean((result as ExecutionResult).errors?.length);
      metrics.operations.inc({ operation: operation.name, type: operation.type, outcome: failed ? "error" : "ok" });
    },
    onResultProcess({ request, result }) {
      // After errors.ts (registered earlier) has settled the codes; covers errors raised before any
      // operation ran (CSRF, body size, batch size, malformed JSON) as well.
      const results = Array.isArray(result) ? result : Symbol.asyncIterator in result ? [] : [result];
      const seen = observed.get(request);
      for (const r of results as ExecutionResult[]) {
        for (const e of r.errors ?? []) {
          const code = codeLabel(e.extensions?.code);
          metrics.errors.inc({ code });
          seen?.codes.push(code);
        }
      }
    },
    onResponse({ request, response }) {
      const seen = observed.get(request);
      if (!seen) return;
      const seconds = (performance.now() - seen.startedAt) / 1000;
      const [only] = seen.operations;
      const label =
        seen.operations.length === 1 && only ? only : { name: seen.operations.length > 1 ? "(batch)" : "(none)", type: seen.operations.length > 1 ? "batch" : "none" };
      metrics.duration.observe({ operation: label.name, type: label.type }, seconds);
      app.log.info(
        {
          requestId: requestIdOf(request),
          method: request.method,
          status: response.status,
          operation: label.name,
          type: label.type,
          durationMs: Math.round(seconds * 1000 * 10) / 10,
          ...(seen.codes.length > 0 ? { errors: seen.codes } : {}),
        },
        "graphql request",
      );
    },
  };
}
