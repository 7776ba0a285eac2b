// The open live streams of one instance: the per-user and per-instance limits, the metrics, and the
// one place that ends them all (shutdown cleanly, a lost fan-out with LIVE_UNAVAILABLE).
import { Counter, Gauge } from "prom-client";
import type { Registry } from "prom-client";
import type { Config } from "../../config.js";
import { TooManyStreamsError } from "../../errors.js";

export type LiveField = "viewerSessionEvents" | "auditEventAdded";
export type DropReason = "overflow" | "unpublished";

export interface StreamSlot {
  readonly userId: string;
  readonly field: LiveField;
  /** Called once when the instance ends the stream: `null` cleanly (shutdown), else with the error to report. */
  onEnd(listener: (error: Error | null) => void): void;
  /** Its sources are listening (counted by `count` from now on). */
  listening(): void;
  delivered(count?: number): void;
  dropped(reason: DropReason, count?: number): void;
  release(): void;
}

export interface LiveStreams {
  /** Takes a slot or throws TooManyStreamsError. */
  open(userId: string, field: LiveField): StreamSlot;
  /** Open streams on this instance whose sources are listening, per field. */
  count(field?: LiveField): number;
  /** Ends every open stream (each reports `error`, or completes when null). */
  endAll(error: Error | null): void;
  /** Counts one event that could not reach any stream (e.g. not published). */
  dropped(reason: DropReason): void;
  /** Registers the live metrics with an instance's registry (once). */
  register(registry: Registry): void;
}

export function createStreams(config: Pick<Config, "LIVE_MAX_STREAMS" | "LIVE_MAX_STREAMS_PER_USER">): LiveStreams {
  const open = new Set<Slot>();
  const perUser = new Map<string, number>();
  const gauge = new Gauge({ name: "authgraph_live_streams", help: "Open live streams (subscriptions), by field.", labelNames: ["field"] as const, registers: [] });
  const delivered = new Counter({ name: "authgraph_live_events_delivered_total", help: "Events sent on live streams, by field.", labelNames: ["field"] as const, registers: [] });
  const dropped = new Counter({
    name: "authgraph_live_events_dropped_total",
    help: "Live events lost: queued for a stream that fell behind (overflow) or not published (unpublished).",
    labelNames: ["field", "reason"] as const,
    registers: [],
  });
  let registered = false;

  interface Slot extends StreamSlot {
    readonly isListening: boolean;
    end(error: Error | null): void;
  }

  const streams: LiveStreams = {
    open(userId, field) {
      if (open.size >= config.LIVE_MAX_STREAMS) throw new TooManyStreamsError(config.LIVE_MAX_STREAMS, "instance");
      const mine = perUser.get(userId) ?? 0;
      if (mine >= config.LIVE_MAX_STREAMS_PER_USER) throw new TooManyStreamsError(config.LIVE_MAX_STREAMS_PER_USER, "user");
      perUser.set(userId, mine + 1);
      gauge.inc({ field });
      const listeners: ((error: Error | null) => void)[] = [];
      let ended = false;
      let released = false;
      let ready = false;
      const slot: Slot = {
        userId,
        field,
        onEnd: (listener) => void listeners.push(listener),
        listening: () => void (ready = true),
        get isListening() {
          return ready && !released;
        },
        delivered: (n = 1) => delivered.inc({ field }, n),
        dropped: (reason, n = 1) => dropped.inc({ field, reason }, n),
        end(error) {
          if (ended) return;
          ended = true;
          for (const listener of listeners) listener(error);
        },
        release() {
          if (released) return;
          released = true;
          open.delete(slot);
          const left = (perUser.get(userId) ?? 1) - 1;
          if (left > 0) perUser.set(userId, left);
          else perUser.delete(userId);
          gauge.dec({ field });
        },
      };
      open.add(slot);
      return slot;
    },
    count: (field) => [...open].filter((s) => s.isListening && (field === undefined || s.field === field)).length,
    endAll(error) {
      for (const slot of [...open]) slot.end(error);
    },
    dropped: (reason) => dropped.inc({ field: "(none)", reason }),
    register(registry) {
      if (registered) return;
      registered = true;
      for (const metric of [gauge, delivered, dropped]) registry.registerMetric(metric);
    },
  };
  return streams;
}
