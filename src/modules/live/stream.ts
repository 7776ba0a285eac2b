// The shape every live stream shares: a slot under the limits, sources that push into a bounded
// mailbox, a heartbeat that re-checks the subscriber, and one way to end — cleanly, or with a typed
// error delivered as the stream's last result (the schema's resolve throws it, so masking applies).
import type { App } from "../../app.js";
import { LiveUnavailableError } from "../../errors.js";
import { Mailbox } from "./mailbox.js";
import type { LiveField } from "./streams.js";

/** What a stream emits: an item, or the error that ends it. */
export type Emitted<Out> = { item: Out } | { error: Error };

/** What one message or heartbeat leads to: items to send, then maybe the end (null = clean). */
export interface Step<Out> {
  emit: Out[];
  end?: Error | null;
}

export interface StreamSpec<M, Out> {
  userId: string;
  field: LiveField;
  /** Starts the sources, pushing into the stream; resolves once they listen, with how to stop them. */
  listen(push: (message: M) => void): Promise<() => void>;
  /** Runs once after listening, before queued messages (a resume from PostgreSQL). */
  replay?(): AsyncIterable<Step<Out>>;
  handle(message: M): Promise<Step<Out>>;
  /** Every LIVE_HEARTBEAT_MS: re-validates the subscriber. */
  heartbeat(): Promise<Step<Out>>;
}

type Queued<M> = { message: M } | { beat: true };

const FANOUT_WAIT_MS = 1000;

/**
 * Opens a stream: the limits and the fan-out are checked and the sources listen before this resolves,
 * so a refusal is the subscription's error, not a stream that never delivers.
 */
export async function openStream<M, Out>(app: App, spec: StreamSpec<M, Out>): Promise<AsyncIterable<Emitted<Out>>> {
  const { config, live } = app;
  // A moment's grace for a connection being (re)established, e.g. just after start-up.
  if (!(await live.hub.whenUp(FANOUT_WAIT_MS))) throw new LiveUnavailableError();
  const slot = live.streams.open(spec.userId, spec.field);
  const box = new Mailbox<Queued<M>>(config.LIVE_QUEUE_MAX, () => {
    slot.dropped("overflow", box.size);
    return new LiveUnavailableError("This stream fell behind; reconnect (with your last cursor) to catch up.");
  });
  slot.onEnd((error) => box.end(error));
  let stop: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const cleanup = (): void => {
    clearInterval(timer);
    stop();
    slot.release();
  };
  try {
    stop = await spec.listen((message) => void box.push({ message }));
  } catch (error) {
    cleanup();
    throw error;
  }
  timer = setInterval(() => box.push({ beat: true }), config.LIVE_HEARTBEAT_MS);
  timer.unref();
  slot.listening();

  async function* run(): AsyncGenerator<Emitted<Out>> {
    try {
      const steps = async function* (): AsyncGenerator<Step<Out>> {
        if (spec.replay) yield* spec.replay();
        for (;;) {
          const next = await box.next();
          if (!("item" in next)) return yield { emit: [], end: next.error };
          yield "beat" in next.item ? await spec.heartbeat() : await spec.handle(next.item.message);
        }
      };
      try {
        for await (const step of steps()) {
          for (const item of step.emit) {
            yield { item };
            slot.delivered();
          }
          if (step.end !== undefined) {
            if (step.end) yield { error: step.end };
            return;
          }
        }
      } catch (err) {
        // A check that could not be made (PostgreSQL unreachable, say) ends the stream with a code the
        // client can act on; the cause goes to the log only.
        app.log.warn({ err, field: spec.field }, "live stream ended by a failure");
        yield { error: new LiveUnavailableError() };
      }
    } finally {
      cleanup();
    }
  }

  const generator = run();
  // A client that leaves before the first event never starts the generator, so its `finally` would
  // not run: release the slot on return() as well.
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => generator.next(),
      return: async (value?: unknown) => {
        cleanup();
        return generator.return(value as undefined);
      },
      throw: async (error?: unknown) => {
        cleanup();
        return generator.throw(error);
      },
    }),
  };
}
