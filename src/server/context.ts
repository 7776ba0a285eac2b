// Per-request context, built once per request: the viewer (or null), request metadata, and fresh
// DataLoaders so batching never leaks data between requests.
import { isIP } from "node:net";
import type DataLoader from "dataloader";
import type { GraphQLParams } from "graphql-yoga";
import type { App, RequestMeta } from "../app.js";
import type { PermissionKey } from "../modules/rbac/catalogue.js";
import { hasSecondFactor } from "../modules/mfa/factors.js";
import { createPermissionLoaders, holdsPermission } from "../modules/rbac/permission-cache.js";
import type { PermissionLoaders, PermissionSet } from "../modules/rbac/permission-cache.js";
import { createSessionLoader } from "../modules/sessions/session.js";
import type { SessionRecord, Viewer } from "../modules/sessions/session.js";
import type { SessionTransport } from "../modules/sessions/issue.js";
import { resolveViewer } from "../modules/sessions/validate.js";
import { parseToken } from "../modules/sessions/tokens.js";
import { createUserLoader } from "../modules/users/user.js";
import type { UserRecord } from "../modules/users/user.js";
import { requestIdOf } from "./plugins/request-id.js";
import { prefetchResponse } from "./plugins/response-cache.js";
import type { ResponsePrefetch } from "./plugins/response-cache.js";
import { staleReader } from "./stale-reads.js";
import type { StaleRead } from "./stale-reads.js";
import { sessionTransport } from "./session-cookie.js";

export interface Loaders extends PermissionLoaders {
  users: DataLoader<string, UserRecord | null>;
  sessions: DataLoader<string, SessionRecord | null>;
  /** Forgets everything loaded so far (a long-lived stream starts each event afresh). */
  clearAll(): void;
}

export interface Context {
  app: App;
  viewer: Viewer | null;
  request: RequestMeta;
  /** How this request carried its session token, and how to hand out or clear the session cookie. */
  transport: SessionTransport;
  loaders: Loaders;
  /** For reads that may be a few seconds stale (admin lists, audit pages): a replica when one is usable. */
  readStale: StaleRead;
  hasPermission(key: PermissionKey): Promise<boolean>;
  /** After hasPermission(key) said no: whether a session that proved MFA would have it (Role.requireMfa). */
  permissionNeedsMfa(key: string): boolean;
  /** The `recentMfa` scope: a second factor proved within STEP_UP_MAX_AGE_SECONDS, or none to prove. */
  hasRecentMfa(): Promise<boolean>;
  /** The response cache's lookup for this token's session, if one was started (plugins/response-cache.ts). */
  responsePrefetch: ResponsePrefetch | null;
}

export interface ServerContext {
  /** Node's socket address, set by the HTTP adapter; absent for in-process `yoga.fetch`. */
  req?: { socket?: { remoteAddress?: string | undefined } };
}

/**
 * The client's address. Behind TRUST_PROXY_HOPS proxies, each appends the address it received from,
 * so the client is that many entries from the RIGHT of X-Forwarded-For; entries further left are
 * whatever the client chose to send. Anything that is not an IP address is ignored.
 */
export function clientAddress(config: Pick<App["config"], "TRUST_PROXY" | "TRUST_PROXY_HOPS">, forwardedFor: string | null, socketAddress: string | null): string | null {
  if (config.TRUST_PROXY && forwardedFor) {
    const hops = forwardedFor.split(",").map((h) => h.trim());
    const candidate = hops[hops.length - config.TRUST_PROXY_HOPS];
    if (candidate && isIP(candidate)) return candidate;
  }
  return socketAddress;
}

export function requestMeta(app: App, request: Request, server: ServerContext | undefined): RequestMeta {
  return {
    requestId: requestIdOf(request),
    ip: clientAddress(app.config, request.headers.get("x-forwarded-for"), server?.req?.socket?.remoteAddress ?? null),
    userAgent: request.headers.get("user-agent")?.slice(0, 512) ?? null,
  };
}

/** This request's DataLoaders, each made when first used (most operations need one or two of them). */
class LazyLoaders implements Loaders {
  #users: Loaders["users"] | undefined;
  #sessions: Loaders["sessions"] | undefined;
  #permissions: PermissionLoaders | undefined;

  constructor(private readonly app: App) {}

  get users(): Loaders["users"] {
    return (this.#users ??= createUserLoader(this.app));
  }

  get sessions(): Loaders["sessions"] {
    return (this.#sessions ??= createSessionLoader(this.app));
  }

  get permissions(): PermissionLoaders["permissions"] {
    return (this.#permissions ??= createPermissionLoaders(this.app)).permissions;
  }

  get rolePermissions(): PermissionLoaders["rolePermissions"] {
    return (this.#permissions ??= createPermissionLoaders(this.app)).rolePermissions;
  }

  clearAll(): void {
    this.#users?.clearAll();
    this.#sessions?.clearAll();
    this.#permissions?.permissions.clearAll();
    this.#permissions?.rolePermissions.clearAll();
  }
}

export async function createContext(app: App, request: Request, server?: ServerContext, params?: Partial<GraphQLParams>): Promise<Context> {
  // A class, not an object literal with getters: V8 builds a literal's accessors on every request.
  const loaders = new LazyLoaders(app);
  const transport = await sessionTransport(app.config, request);
  // Started in the same turn as the session lookup: both lookups leave as one MGET (cache/mget-batch.ts).
  const tokenSession = parseToken(transport.token)?.sessionId;
  const responsePrefetch = tokenSession ? prefetchResponse(app, tokenSession, params) : null;
  const viewer = await resolveViewer(app, transport.token);
  // A cookie that names no live session (expired, revoked, malformed) is cleared, not sent again and again.
  if (!viewer && transport.via === "cookie") await transport.clearCookie();
  const sessionHasMfa = viewer?.session.mfaAt != null;
  let permissions: PermissionSet | null = null;
  let recentMfa: Promise<boolean> | null = null;
  return {
    app,
    viewer,
    request: requestMeta(app, request, server),
    transport,
    loaders,
    readStale: staleReader(app, viewer?.user.id ?? null),
    hasPermission: async (key) => {
      if (!viewer) return false;
      permissions = await loaders.permissions.load(viewer.user.id);
      return holdsPermission(permissions, viewer.session, key);
    },
    permissionNeedsMfa: (key) => !sessionHasMfa && (permissions?.mfaOnly.has(key) ?? false),
    hasRecentMfa: () =>
      (recentMfa ??= (async () => {
        if (!viewer) return false;
        const at = viewer.session.mfaAt;
        if (at && app.clock.now().getTime() - at.getTime() <= app.config.STEP_UP_MAX_AGE_SECONDS * 1000) return true;
        return !(await hasSecondFactor(app.db.prisma, viewer.user.id));
      })()),
    responsePrefetch,
  };
}
