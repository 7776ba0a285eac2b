// The fan-out of live events across instances: Redis pub/sub through @graphql-yoga/redis-event-target
// when Redis is configured, an in-process EventTarget otherwise (embedded mode is one instance). Payloads
// are plain JSON (strings and numbers), so nothing needs reviving after JSON.parse.
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import type { Config } from "../../config.js";
import { cachePrefix, createRedisClient } from "../../cache/connect.js";
import type { RedisClient, RedisTargetConfig } from "../../cache/redis-client.js";
import { LiveUnavailableError } from "../../errors.js";
import type { Logger } from "../../observability/log.js";

export type LivePayload = Record<string, string | number | null>;
type Listener = (payload: LivePayload) => void;

interface EventTargetLike {
  addEventListener(topic: string, listener: (event: Event) => void): void;
  removeEventListener(topic: string, listener: (event: Event) => void): void;
}

export interface Hub {
  readonly kind: "redis" | "memory";
  /** Full channel name of a topic (`auth:<ns>:live:<topic>`). */
  channel(topic: string): string;
  /** Resolves once the subscriptions are active (Redis confirmed them); the result stops listening. */
  listen(topics: readonly string[], listener: Listener): Promise<() => void>;
  /** Fire and forget: a failed publish is logged and counted, never thrown at the committed change. */
  publish(topic: string, payload: LivePayload): void;
  /** Whether the fan-out can deliver right now. */
  up(): boolean;
  /** Resolves true once it can (at once when it can now), false after `ms` without. */
  whenUp(ms: number): Promise<boolean>;
  /** Called each time the fan-out is lost (streams end with LIVE_UNAVAILABLE and reconnect). */
  onDown(listener: () => void): void;
  onPublishFailed(listener: () => void): void;
  close(): Promise<void>;
}

function detailOf(event: Event): LivePayload | null {
  const detail = (event as CustomEvent<unknown>).detail;
  return detail !== null && typeof detail === "object" ? (detail as LivePayload) : null;
}

/**
 * The subscriber as the event target sees it: its SUBSCRIBE/UNSUBSCRIBE calls are not awaited there,
 * so one failing on a closed connection (shutdown, outage) would be an unhandled rejection. Streams
 * learn about a lost connection from the 'close' event instead.
 */
function quietSubscriptions(client: RedisClient): RedisClient {
  const ignore = (): undefined => undefined;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "subscribe") return (...channels: string[]) => target.subscribe(...channels).catch(ignore);
      if (property === "unsubscribe") return (...channels: string[]) => target.unsubscribe(...channels).catch(ignore);
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export function createHub(config: RedisTargetConfig & Pick<Config, "CACHE_NAMESPACE" | "CACHE_BREAKER_COOLDOWN_MS" | "LIVE_HEARTBEAT_MS">, log: Logger): Hub {
  const prefix = `${cachePrefix(config)}live:`;
  const downListeners: (() => void)[] = [];
  const failedListeners: (() => void)[] = [];
  const maxDelay = Math.min(config.CACHE_BREAKER_COOLDOWN_MS, 5000);
  // Subscriptions wait for a reconnect (and are re-sent on it) rather than fail; publishes fail fast.
  const subscriber = createRedisClient(config, {
    connectionName: "authgraph-live-sub",
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(maxDelay, 50 * 2 ** Math.min(times, 16)),
  });
  const publisher = createRedisClient(config, {
    connectionName: "authgraph-live-pub",
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(maxDelay, 50 * 2 ** Math.min(times, 16)),
  });
  const target: EventTargetLike = subscriber && publisher ? createRedisEventTarget({ publishClient: publisher, subscribeClient: quietSubscriptions(subscriber) }) : new EventTarget();
  let down = subscriber !== null;
  let closed = false;
  let pinger: NodeJS.Timeout | undefined;

  const watch = (client: RedisClient): void => {
    client.on("error", () => undefined); // reported through 'close' below; ioredis retries on its own
  };
  if (subscriber && publisher) {
    watch(subscriber);
    watch(publisher);
    subscriber.on("ready", () => {
      if (down && !closed) log.info({}, "live fan-out connected");
      down = false;
    });
    const lost = (why: string): void => {
      if (closed || down) return;
      down = true;
      log.warn({ why }, "live fan-out lost: open streams end with LIVE_UNAVAILABLE");
      for (const listener of downListeners) listener();
    };
    subscriber.on("close", () => lost("connection closed"));
    // A server that stops answering without closing (a partition, a stalled process) never says
    // 'close': a PING per heartbeat notices it, and the connection is dropped and re-established.
    const timeoutMs = Math.min(config.LIVE_HEARTBEAT_MS, 5000);
    pinger = setInterval(() => {
      if (down || closed) return;
      let timer: NodeJS.Timeout | undefined;
      const silent = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no PING reply within ${timeoutMs} ms`)), timeoutMs)));
      Promise.race([subscriber.ping(), silent])
        .catch((err: unknown) => {
          lost(err instanceof Error ? err.message : String(err));
          subscriber.disconnect(true);
        })
        .finally(() => clearTimeout(timer));
    }, config.LIVE_HEARTBEAT_MS);
    pinger.unref();
  }

  const hub: Hub = {
    kind: subscriber ? "redis" : "memory",
    channel: (topic) => `${prefix}${topic}`,
    async listen(topics, listener) {
      const handler = (event: Event): void => {
        const payload = detailOf(event);
        if (payload) listener(payload);
      };
      const channels = topics.map((t) => hub.channel(t));
      for (const c of channels) target.addEventListener(c, handler);
      // The event target subscribes without waiting; a SUBSCRIBE of our own on the same connection is
      // answered after it, so once it resolves, messages on these channels reach the handler.
      const stop = (): void => {
        for (const c of channels) target.removeEventListener(c, handler);
      };
      try {
        if (subscriber) await subscriber.subscribe(...channels);
      } catch {
        stop();
        throw new LiveUnavailableError();
      }
      return stop;
    },
    publish(topic, payload) {
      const channel = hub.channel(topic);
      if (!publisher) {
        (target as EventTarget).dispatchEvent(new CustomEvent(channel, { detail: payload }));
        return;
      }
      // Not through the event target's dispatchEvent: its publish has no catch (an unhandled rejection).
      publisher.publish(channel, JSON.stringify(payload)).catch((err: unknown) => {
        log.warn({ err: err instanceof Error ? err.message : String(err), topic }, "live event not published");
        for (const listener of failedListeners) listener();
      });
    },
    up: () => !closed && !down,
    whenUp: (ms) =>
      new Promise<boolean>((resolve) => {
        if (hub.up() || closed || !subscriber) return resolve(hub.up());
        const ready = (): void => {
          clearTimeout(timer);
          resolve(hub.up());
        };
        const timer = setTimeout(() => {
          subscriber.off("ready", ready);
          resolve(hub.up());
        }, ms);
        subscriber.once("ready", ready);
      }),
    onDown: (listener) => void downListeners.push(listener),
    onPublishFailed: (listener) => void failedListeners.push(listener),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(pinger);
      // QUIT waits in the offline queue of a connection that never came up (wrong password, outage): bound it.
      await Promise.all(
        [subscriber, publisher].map(async (c) => {
          if (c?.status === "ready") await Promise.race([c.quit(), new Promise((r) => setTimeout(r, 1000).unref())]).catch(() => undefined);
          c?.disconnect();
        }),
      );
    },
  };
  return hub;
}
