// `/metrics` in Prometheus text format, from this instance's own registry.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Plugin } from "graphql-yoga";
import type { App } from "../../app.js";
import { metricsOf } from "../../observability/metrics.js";
import type { ServerContext } from "../context.js";

export const METRICS_PATH = "/metrics";

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

export function useMetricsEndpoint(app: App): Plugin {
  const { registry } = metricsOf(app);
  return {
    async onRequest({ request, url, serverContext, endResponse }) {
      if (url.pathname !== METRICS_PATH) return;
      const refusal = denied(app, request, serverContext as ServerContext | undefined);
      if (refusal) return endResponse(refusal);
      const body = await registry.metrics();
      return endResponse(new Response(body, { headers: { "content-type": registry.contentType, "cache-control": "no-store" } }));
    },
  };
}
