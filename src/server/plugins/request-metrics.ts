// Per-request observations: operation counts and outcomes, latency, error codes, plus one access-log
// line per GraphQL request with its request id.
import { getOperationAST } from "graphql";
import type { ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { App } from "../../app.js";
import { withoutRedaction } from "../../observability/log.js";
import { metricsOf } from "../../observability/metrics.js";
import { requestIdOf } from "./request-id.js";

interface Operation {
  name: string;
  type: string;
}

interface Observed {
  startedAt: number;
  operations: Operation[];
  codes: string[];
}

function codeLabel(code: unknown): string {
  return typeof code === "string" && /^[A-Z][A-Z0-9_]{0,49}$/.test(code) ? code : "UNKNOWN";
}

export function useRequestMetrics(app: App, graphqlEndpoint: string): Plugin {
  const metrics = metricsOf(app);
  // Every field of the access line is built here from non-secret values (ids, names, numbers, codes).
  const access = withoutRedaction(app.log);
  const observed = new WeakMap<Request, Observed>();
  const byContext = new WeakMap<object, Operation>();

  return {
    onRequest({ request, url }) {
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
      // After error-masking.ts (registered earlier) has settled the codes; covers errors raised before any
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
      access.info(
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
