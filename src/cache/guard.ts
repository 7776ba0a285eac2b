// Circuit breaker + time box around every Redis call. Two ways to open the circuit:
//  - consecutive failures (timeouts, errors) while connected: cockatiel's breaker; after the
//    cool-down the next call (or a background probe, so health recovers without traffic) is the
//    half-open test;
//  - the connection dropping: held open ("isolated") until ioredis reports the connection ready
//    again, so health turns DEGRADED at once and no call waits on a socket we know is dead.
import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
  isBrokenCircuitError,
  isIsolatedCircuitError,
} from "cockatiel";
import { errorMessage, timeBox } from "./time-box.js";
import type { BreakerState, CacheLogger } from "./types.js";

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown; shortCircuited: boolean };

export interface GuardOptions {
  timeoutMs: number;
  failures: number;
  cooldownMs: number;
  log?: CacheLogger;
  /** Runs one cheap call through the guard; used as the half-open probe when there is no traffic. */
  probe: () => Promise<unknown>;
  /** The circuit opened on consecutive failures (not on isolate(), whose caller knows already). */
  onOpen?: () => void;
  /** The circuit closed again (probe succeeded or the connection is back). */
  onRecover?: () => void;
}

export interface Guard {
  run<T>(op: () => Promise<T>): Promise<Outcome<T>>;
  /** Connection lost: short-circuit every call until release(). */
  isolate(): void;
  release(): void;
  readonly isolated: boolean;
  state(): BreakerState;
  /** Why the circuit is open and how long until the next attempt, for the health message. */
  openReason(): { failure: string; retryInMs: number };
  dispose(): void;
}

export function createGuard(options: GuardOptions): Guard {
  const { timeoutMs, cooldownMs, log } = options;
  const policy = circuitBreaker(handleAll, {
    halfOpenAfter: cooldownMs,
    breaker: new ConsecutiveBreaker(options.failures),
  });
  let hold: { dispose(): void } | null = null;
  let openedAt = 0;
  let probeTimer: NodeJS.Timeout | undefined;
  let disposed = false;
  let openLogged = false;

  const lastFailure = (): string => {
    const f = policy.lastFailure;
    return f && "error" in f ? errorMessage(f.error) : "unknown failure";
  };

  policy.onBreak((reason) => {
    if ("isolated" in reason) return; // the connection handler logs the outage itself
    openedAt = Date.now();
    options.onOpen?.();
    // A failed probe re-opens the circuit every cool-down: log the first opening only.
    if (!openLogged) log?.warn({ failure: lastFailure(), cooldownMs }, "Redis cache circuit opened; serving from Postgres");
    openLogged = true;
    clearTimeout(probeTimer);
    if (disposed) return;
    // Probe in the background too, so a cache nobody calls still reports recovery.
    probeTimer = setTimeout(() => void options.probe(), cooldownMs + 10);
    probeTimer.unref();
  });
  policy.onReset(() => {
    clearTimeout(probeTimer);
    if (openLogged) log?.info({}, "Redis cache circuit closed");
    openLogged = false;
    if (!disposed) options.onRecover?.();
  });

  return {
    async run<T>(op: () => Promise<T>): Promise<Outcome<T>> {
      try {
        // Inner box: the breaker always learns the outcome, so a half-open test cannot hang.
        // Outer box: callers queued behind a half-open test wait no longer than one time box.
        const value = await timeBox(
          policy.execute(() => timeBox(op(), timeoutMs)),
          timeoutMs,
        );
        return { ok: true, value };
      } catch (error) {
        return { ok: false, error, shortCircuited: isBrokenCircuitError(error) || isIsolatedCircuitError(error) };
      }
    },

    isolate() {
      if (!hold && !disposed) hold = policy.isolate();
    },

    release() {
      if (!hold) return;
      const h = hold;
      hold = null;
      h.dispose(); // cockatiel emits onReset, which runs onRecover
    },

    get isolated() {
      return hold !== null;
    },

    state(): BreakerState {
      switch (policy.state) {
        case CircuitState.Closed:
          return "closed";
        case CircuitState.HalfOpen:
          return "half-open";
        default:
          return "open";
      }
    },

    openReason() {
      return { failure: lastFailure(), retryInMs: Math.max(0, openedAt + cooldownMs - Date.now()) };
    },

    dispose() {
      disposed = true;
      clearTimeout(probeTimer);
    },
  };
}
