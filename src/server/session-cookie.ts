// Where a request's session token comes from, decided here and nowhere else: `Authorization: Bearer`
// when present, else the session cookie. The cookie is written through Yoga's cookie store
// (@whatwg-node/server-plugin-cookies, which parses the Cookie header and serialises Set-Cookie).
import type { Config } from "../config.js";
import type { SessionTransport } from "../modules/sessions/issue.js";
import { bearerToken } from "../modules/sessions/tokens.js";

/** The cookie's name in production: `__Host-` makes browsers insist on Secure, Path=/ and no Domain. */
export const SESSION_COOKIE = "__Host-authgraph_session";
/** Its name on plain-http loopback outside production, where it cannot be Secure (nor so, `__Host-`). */
export const LOOPBACK_SESSION_COOKIE = "authgraph_session";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

const PRODUCTION_COOKIE = { name: SESSION_COOKIE, secure: true } as const;

/** The cookie this request's origin can hold: Secure everywhere except plain-http loopback in development. */
export function sessionCookieFor(config: Pick<Config, "NODE_ENV">, url: string): { name: string; secure: boolean } {
  // In production the URL does not matter: no need to parse it on every request.
  if (config.NODE_ENV === "production") return PRODUCTION_COOKIE;
  const { protocol, hostname } = new URL(url);
  const secure = protocol !== "http:" || !LOOPBACK.has(hostname);
  return { name: secure ? SESSION_COOKIE : LOOPBACK_SESSION_COOKIE, secure };
}

export async function sessionTransport(config: Pick<Config, "NODE_ENV">, request: Request): Promise<SessionTransport> {
  const cookie = sessionCookieFor(config, request.url);
  const store = request.cookieStore;
  const bearer = bearerToken(request.headers.get("authorization"));
  // The cookie store parses the Cookie header on first use: not at all for a request without one.
  const cookieToken = bearer || !request.headers.has("cookie") ? null : ((await store?.get(cookie.name))?.value ?? null);
  const token = bearer ?? (cookieToken || null);
  const write = async (value: string, expires: Date): Promise<void> => {
    if (!store) throw new Error("the cookie plugin is not installed");
    await store.set({ name: cookie.name, value, expires, secure: cookie.secure, httpOnly: true, sameSite: "lax", path: "/", domain: null });
  };
  return {
    token,
    via: bearer ? "bearer" : token ? "cookie" : null,
    setCookie: write,
    clearCookie: () => write("", new Date(0)),
  };
}
