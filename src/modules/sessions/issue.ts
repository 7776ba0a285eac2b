// Handing a new session to the client, the one way every session-starting mutation does it (sign-in,
// sign-up, and any later step that completes a sign-in): as the token in the response body, or, when
// the client asks for it, only as an HttpOnly cookie that scripts on the page can never read.
import type { NewSession } from "./start.js";

/** How the request carries its session, and how the response hands one out (server/session-cookie.ts). */
export interface SessionTransport {
  /** The session token of this request: the bearer header's, else the session cookie's, else null. */
  readonly token: string | null;
  readonly via: "bearer" | "cookie" | null;
  /** Sets the session cookie on the response. */
  setCookie(token: string, expires: Date): Promise<void>;
  /** Clears the session cookie on the response. */
  clearCookie(): Promise<void>;
}

/** A new session as the client receives it: `token` is null when it went into the cookie. */
export type IssuedSession<T extends NewSession> = Omit<T, "token"> & { token: string | null };

export async function issueSession<T extends NewSession>(transport: SessionTransport, started: T, asCookie: boolean): Promise<IssuedSession<T>> {
  if (!asCookie) return started;
  // The cookie lives as long as the session may; the server still ends it earlier when idle.
  await transport.setCookie(started.token, started.session.absoluteExpiresAt);
  return { ...started, token: null };
}

/** After the caller's own session ended: a cookie that carried it is cleared (a bearer client drops its token itself). */
export async function sessionEnded(transport: SessionTransport): Promise<void> {
  if (transport.via === "cookie") await transport.clearCookie();
}
