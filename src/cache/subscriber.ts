// The pub/sub side of the Redis cache: a dedicated connection (a subscribed connection cannot be
// shared with ordinary traffic), created on first use. We resubscribe ourselves on every 'ready'
// rather than rely on ioredis' autoResubscribe, because that only replays subscriptions the server
// had confirmed: a SUBSCRIBE attempted while Redis was down would otherwise be lost for good.
import { Redis } from "ioredis";
import type { RedisOptions } from "ioredis";
import { errorMessage, timeBox } from "./time-box.js";
import type { CacheLogger } from "./types.js";

interface Handler {
  onMessage: (message: string) => void;
  onResubscribe?: (() => void) | undefined;
}

export interface Subscriber {
  /** `channel` is the full (prefixed) channel name. */
  subscribe(channel: string, handler: Handler): Promise<() => Promise<void>>;
  /** Null when every subscription is live (or there are none); otherwise why not. */
  problem(): string | null;
  close(): Promise<void>;
}

export function createSubscriber(
  url: string,
  redisOptions: RedisOptions,
  controlTimeoutMs: number,
  log?: CacheLogger,
): Subscriber {
  const registry = new Map<string, Set<Handler>>();
  const confirmed = new Set<string>(); // channels the server confirmed on the current connection
  let client: Redis | null = null;
  let ready = false;
  let syncing = false;
  let everSynced = false;
  let lastError: string | undefined;
  let closed = false;
  let waiters: (() => void)[] = [];

  const live = (): boolean => ready && [...registry.keys()].every((ch) => confirmed.has(ch));

  const wakeWaiters = (): void => {
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };

  // Lets subscribe() return once the subscription is live, so a publish right after it is
  // received; bounded, because a Redis outage must not block start-up.
  const untilLive = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (live()) return resolve();
      const timer = setTimeout(resolve, ms);
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  const deliver = (channel: string, message: string): void => {
    for (const h of registry.get(channel) ?? []) {
      try {
        h.onMessage(message);
      } catch (error) {
        log?.error({ channel, err: errorMessage(error) }, "cache subscriber threw");
      }
    }
  };

  // Subscribes whatever the registry holds that this connection has not confirmed, looping so a
  // channel registered while a SUBSCRIBE was in flight is not missed.
  const sync = async (c: Redis): Promise<void> => {
    if (syncing) return;
    syncing = true;
    const afterOutage = everSynced;
    try {
      for (;;) {
        const missing = [...registry.keys()].filter((ch) => !confirmed.has(ch));
        if (missing.length === 0 || !ready || c !== client) break;
        await timeBox(c.subscribe(...missing), controlTimeoutMs);
        for (const ch of missing) confirmed.add(ch);
      }
    } catch (error) {
      lastError = errorMessage(error);
      log?.warn({ err: lastError }, "Redis SUBSCRIBE failed; reconnecting the subscriber");
      if (c.status === "ready") c.disconnect(true); // the next 'ready' syncs again
      return;
    } finally {
      syncing = false;
    }
    if (!live()) return;
    everSynced = true;
    lastError = undefined;
    wakeWaiters();
    // Messages published during the outage are gone; let holders of local copies drop them.
    if (afterOutage) for (const set of registry.values()) for (const h of set) h.onResubscribe?.();
  };

  const ensureClient = (): Redis => {
    if (client) return client;
    const c = new Redis(url, redisOptions);
    c.on("message", (channel: string, message: string) => deliver(channel, message));
    c.on("ready", () => {
      ready = true;
      void sync(c);
    });
    c.on("close", () => {
      ready = false;
      confirmed.clear();
    });
    c.on("error", (error: Error) => {
      lastError = error.message;
    });
    client = c;
    return c;
  };

  return {
    async subscribe(channel, handler) {
      if (closed) return async () => {};
      const entry: Handler = { onMessage: handler.onMessage, onResubscribe: handler.onResubscribe };
      const set = registry.get(channel) ?? new Set<Handler>();
      set.add(entry);
      registry.set(channel, set);
      const c = ensureClient();
      if (ready) void sync(c);
      await untilLive(controlTimeoutMs);
      return async () => {
        const current = registry.get(channel);
        if (!current?.delete(entry) || current.size > 0) return;
        registry.delete(channel);
        confirmed.delete(channel);
        if (client?.status === "ready") {
          await timeBox(client.unsubscribe(channel), controlTimeoutMs).catch(() => undefined);
        }
      };
    },

    problem() {
      if (closed || registry.size === 0 || live()) return null;
      return `Redis pub/sub unavailable: ${lastError ?? "connecting"}`;
    },

    async close() {
      closed = true;
      registry.clear();
      wakeWaiters();
      const c = client;
      client = null;
      if (!c) return;
      await timeBox(c.quit(), controlTimeoutMs).catch(() => undefined);
      c.disconnect();
    },
  };
}
