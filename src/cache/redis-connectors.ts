// ioredis listens for a connection's "error" with `once`: a TLS socket that reports two errors (an
// alert, then the reset) would throw the second as an unhandled error and take the process down.
// These connectors give every socket a lasting listener; ioredis still handles the first error.
import { createRequire } from "node:module";
import { SentinelConnector } from "ioredis";
import type { SentinelConnectionOptions, StandaloneConnectionOptions } from "ioredis";
import type { NetStream } from "ioredis/built/types.js";

// Not re-exported by the package index; required directly so every loader sees the same CommonJS shape.
const { default: StandaloneConnector } = createRequire(import.meta.url)(
  "ioredis/built/connectors/StandaloneConnector.js",
) as typeof import("ioredis/built/connectors/StandaloneConnector.js");

type ErrorEmitter = Parameters<SentinelConnector["connect"]>[0];

const ignoreLaterErrors = (stream: NetStream): NetStream => stream.on("error", () => undefined);

// ioredis constructs a custom connector with the client's whole options object (typed `unknown`).
export class GuardedStandaloneConnector extends StandaloneConnector {
  constructor(options: unknown) {
    super(options as StandaloneConnectionOptions);
  }

  override connect(onError: ErrorEmitter): Promise<NetStream> {
    return super.connect(onError).then(ignoreLaterErrors);
  }
}

export class GuardedSentinelConnector extends SentinelConnector {
  constructor(options: unknown) {
    super(options as SentinelConnectionOptions);
  }

  override connect(onError: ErrorEmitter): Promise<NetStream> {
    return super.connect(onError).then(ignoreLaterErrors);
  }
}
