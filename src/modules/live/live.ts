// The live feed of one instance: the fan-out hub, the open streams and the audit tail, wired to the
// audit recorder (each committed append is announced) and to the hub's health (a lost fan-out ends
// every stream with LIVE_UNAVAILABLE).
import type { Config } from "../../config.js";
import type { Database } from "../../db/client.js";
import { LiveUnavailableError } from "../../errors.js";
import type { Logger } from "../../observability/log.js";
import type { AuditRecorder } from "../audit/recorder.js";
import { createAuditTail } from "./audit-tail.js";
import type { AuditTail } from "./audit-tail.js";
import { createHub } from "./hub.js";
import type { Hub } from "./hub.js";
import { publishAuditAppended } from "./publish.js";
import { createStreams } from "./streams.js";
import type { LiveStreams } from "./streams.js";

export interface Live {
  hub: Hub;
  streams: LiveStreams;
  auditTail: AuditTail;
  /** Ends every open stream cleanly (they complete); new ones may still open until close. */
  endStreams(): void;
  /** Ends every stream cleanly and closes the fan-out connections. */
  close(): Promise<void>;
}

export function createLive(deps: { config: Config; log: Logger; db: Database; audit: AuditRecorder }): Live {
  const { config, log, db, audit } = deps;
  const hub = createHub(config, log);
  const streams = createStreams(config);
  const auditTail = createAuditTail(db.prisma, hub, log, config.LIVE_HEARTBEAT_MS);
  hub.onDown(() => streams.endAll(new LiveUnavailableError("Live updates were interrupted; reconnect (with your last cursor) to resume.")));
  hub.onPublishFailed(() => streams.dropped("unpublished"));

  // Each linker pass is announced once, with the newest linked id: the tails read every row up to it.
  audit.linker.onLinked((head) => publishAuditAppended(hub, head));

  let closing: Promise<void> | null = null;
  return {
    hub,
    streams,
    auditTail,
    endStreams: () => streams.endAll(null),
    close: () =>
      (closing ??= (async () => {
        streams.endAll(null);
        auditTail.close();
        await hub.close();
      })()),
  };
}
