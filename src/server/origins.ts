// Which browser origins may call the API: the gateway's own, and CORS_ORIGINS (default: none in
// production, the gateway's own loopback origins, where GraphiQL runs, in development). Listed origins
// get CORS headers with credentials; a request whose Origin is neither is refused (plugins/origin-check.ts).
import type { CORSOptions } from "graphql-yoga";
import type { Config } from "../config.js";
import { CSRF_HEADERS } from "./plugins/csrf.js";

type OriginConfig = Pick<Config, "NODE_ENV" | "PORT" | "CORS_ORIGINS" | "CORS_MAX_AGE_SECONDS">;

export function corsOrigins(config: OriginConfig): readonly string[] {
  if (config.CORS_ORIGINS) return config.CORS_ORIGINS;
  return config.NODE_ENV === "development" ? [`http://127.0.0.1:${config.PORT}`, `http://localhost:${config.PORT}`] : [];
}

/**
 * True for the request's own origin (same host and port: a TLS-terminating proxy changes the
 * scheme the gateway sees, not the host) and for listed origins. `null` (sandboxed frames, files,
 * redirects) is never allowed.
 */
export function isAllowedOrigin(config: OriginConfig, origin: string, requestUrl: URL): boolean {
  if (corsOrigins(config).includes(origin)) return true;
  return URL.canParse(origin) && new URL(origin).host === requestUrl.host;
}

/** Yoga's `cors` option: headers only for listed origins; any other origin gets none. */
export function corsPolicy(config: OriginConfig): (request: Request) => CORSOptions {
  const listed = corsOrigins(config);
  return (request) => {
    const origin = request.headers.get("origin");
    if (!origin || !listed.includes(origin)) return false;
    return {
      origin: [origin],
      credentials: true,
      methods: ["GET", "POST"],
      allowedHeaders: ["content-type", "accept", "authorization", "x-request-id", ...CSRF_HEADERS],
      exposedHeaders: ["x-request-id"],
      maxAge: config.CORS_MAX_AGE_SECONDS,
    };
  };
}
