// Per-request context, built once per request: the viewer (or null), request metadata, and fresh
// DataLoaders so batching never leaks data between requests.
import { randomUUID } from "node:crypto";
import type { App } from "../app.js";
import type { RequestMeta, Viewer } from "../modules/types.js";
import type { PermissionKey } from "../modules/rbac/catalogue.js";
import { createLoaders } from "./loaders.js";
import type { Loaders } from "./loaders.js";
import { bearerToken, resolveViewer } from "../modules/sessions/lifecycle.js";

export interface Context {
  app: App;
  viewer: Viewer | null;
  request: RequestMeta;
  loaders: Loaders;
  hasPermission(key: PermissionKey): Promise<boolean>;
}

export interface ServerContext {
  /** Node's socket address, set by the HTTP adapter; absent for in-process `yoga.fetch`. */
  req?: { socket?: { remoteAddress?: string | undefined } };
}

export function requestMeta(app: App, request: Request, server: ServerContext | undefined): RequestMeta {
  const forwarded = app.config.TRUST_PROXY ? request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() : undefined;
  const ip = forwarded || server?.req?.socket?.remoteAddress || null;
  const incomingId = request.headers.get("x-request-id");
  return {
    // Accept a caller's request id only if it looks like one, so logs cannot be injected into.
    requestId: incomingId && /^[\w.-]{8,128}$/.test(incomingId) ? incomingId : randomUUID(),
    ip,
    userAgent: request.headers.get("user-agent")?.slice(0, 512) ?? null,
  };
}

export async function createContext(app: App, request: Request, server?: ServerContext): Promise<Context> {
  const meta = requestMeta(app, request, server);
  const loaders = createLoaders(app);
  const viewer = await resolveViewer(app, bearerToken(request.headers.get("authorization")));
  return {
    app,
    viewer,
    request: meta,
    loaders,
    hasPermission: async (key) => (viewer ? (await loaders.permissions.load(viewer.user.id)).has(key) : false),
  };
}
