// `/ready` (Yoga's readiness check): 200 while PostgreSQL answers, 503 while it cannot or while the
// instance is draining for shutdown, so a load balancer stops routing here.
import { useReadinessCheck } from "graphql-yoga";
import type { Plugin } from "graphql-yoga";
import type { App } from "../../app.js";
import { checkPostgres } from "../../modules/health/checks.js";

const ENDPOINT = "/ready";

export function useReadiness(app: App): Plugin {
  const check = useReadinessCheck({
    endpoint: ENDPOINT,
    check: async () => {
      if (app.lifecycle.draining) return Response.json({ status: "draining" }, { status: 503 });
      const postgres = await checkPostgres(app);
      const ready = postgres.status === "OK";
      return Response.json({ status: ready ? "ready" : "unavailable", postgres }, { status: ready ? 200 : 503 });
    },
  });
  // Yoga's hook tests every request's URL against a URLPattern (4 % of a cached read's CPU) and also
  // answers any URL that merely ends in "/ready": only the path itself is the probe.
  return { ...check, onRequest: (payload) => (payload.url.pathname === ENDPOINT ? check.onRequest?.(payload) : undefined) };
}
