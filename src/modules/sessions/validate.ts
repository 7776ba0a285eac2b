// Per-request session validation with sliding expiry. Any malformed, unknown, expired or revoked
// token, or a user who may not sign in, yields no viewer (never an error).
import type { App } from "../../app.js";
import { isSessionActive, publicSession } from "./session.js";
import type { Viewer } from "./session.js";
import { slidingExpiry } from "./start.js";
import { getSessionFragment, loadFromDb, writeFragment } from "./store.js";
import type { LoadedFragment, SessionFragment } from "./store.js";
import { parseToken, secretMatches } from "./tokens.js";

/**
 * The viewer for a session token, or null. A request is use of the session and may extend it;
 * `extend: false` only checks (a live stream's heartbeat must not keep an idle session alive).
 */
export async function resolveViewer(app: App, token: string | null, options: { extend?: boolean } = {}): Promise<Viewer | null> {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const loaded = await getSessionFragment(app, parsed.sessionId);
  if (!loaded || !secretMatches(parsed.secret, loaded.fragment.session.tokenHash)) return null;
  const now = app.clock.now();
  if (!isUsable(loaded.fragment, now)) return null;
  const fragment = options.extend === false ? loaded.fragment : await maybeExtend(app, loaded, now);
  return fragment && isUsable(fragment, now) ? { session: publicSession(fragment.session), user: fragment.user } : null;
}

function isUsable(fragment: SessionFragment, now: Date): boolean {
  return isSessionActive(fragment.session, now) && fragment.user.status === "ACTIVE";
}

// Extensions in flight per app and session: concurrent requests on one instance share one UPDATE
// instead of each sending a conditional UPDATE that all but one would lose.
const extending = new WeakMap<App, Map<string, Promise<SessionFragment | null>>>();

/**
 * Sliding expiry on use, written at most once per refresh interval: the conditional UPDATE matches
 * only the lastSeenAt we read, so concurrent requests (even on other instances) write once.
 */
async function maybeExtend(app: App, loaded: LoadedFragment, now: Date): Promise<SessionFragment | null> {
  const { fragment } = loaded;
  const { session } = fragment;
  const intervalMs = app.config.SESSION_REFRESH_INTERVAL_SECONDS * 1000;
  if (now.getTime() - session.lastSeenAt.getTime() < intervalMs) return fragment;
  let inFlight = extending.get(app);
  if (!inFlight) extending.set(app, (inFlight = new Map()));
  const pending = inFlight.get(session.id);
  if (pending) return pending;
  const run = extend(app, loaded, now)
    .catch((err: unknown) => {
      // Extension is an optimisation of a valid session: failing it must not fail the request.
      app.log.warn({ err, sessionId: session.id }, "session extension failed");
      return fragment;
    })
    .finally(() => inFlight.delete(session.id));
  inFlight.set(session.id, run);
  return run;
}

async function extend(app: App, { fragment, cachedRaw }: LoadedFragment, now: Date): Promise<SessionFragment | null> {
  const { session } = fragment;
  const expiresAt = slidingExpiry(app, now, session.absoluteExpiresAt);
  const { count } = await app.db.prisma.session.updateMany({
    where: { id: session.id, lastSeenAt: session.lastSeenAt, revokedAt: null },
    data: { lastSeenAt: now, expiresAt },
  });
  // A DB-loaded fragment was just written back, so compare against that; a cached one against its raw.
  const expected = cachedRaw ?? JSON.stringify(fragment);
  if (count === 1) {
    const extended = { session: { ...session, lastSeenAt: now, expiresAt }, user: fragment.user };
    await writeFragment(app, extended, expected);
    return extended;
  }
  // The row moved on without us: another instance extended it, an explicit refresh wrote it, or it
  // was revoked. Our copy is stale; without this, a stale cached copy would send a losing UPDATE on
  // every request until it expired. Reload, and let the caller judge the fresh row.
  const fresh = await loadFromDb(app, session.id);
  if (fresh) await writeFragment(app, fresh, expected);
  return fresh;
}
