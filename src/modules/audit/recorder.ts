// The audit trail's writer bound to one gateway: its key, its size limit and its clock, so callers
// record an event with `app.audit.record(tx, event, request)` inside the transaction of the change.
import { randomBytes } from "node:crypto";
import type { App, Clock, RequestMeta } from "../../app.js";
import type { Config } from "../../config.js";
import { afterCommit } from "../../db/after-commit.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { Logger } from "../../observability/log.js";
import type { Viewer } from "../sessions/session.js";
import { auditWriteSql, record } from "./append.js";
import type { AuditEventInput, AuditOptions, AuditSqlColumns } from "./append.js";
import { createAuditLinker } from "./linker.js";
import type { AuditLinker, LinkerDatabase } from "./linker.js";

// Without AUDIT_IP_KEY the IP digest is still keyed, but with a public constant: set the variable in
// production so pseudonymised IPs cannot be recovered by hashing all IPv4 addresses.
const DEFAULT_IP_KEY = "authgraph-audit-ip-digest-v1";

export interface AuditRecorder {
  readonly options: AuditOptions;
  /** Signs the chain heads kept outside the table (head.ts). */
  readonly headKey: string;
  /** Writes `event` inside the change's transaction; it is linked into the chain right after the commit. */
  record(tx: Prisma.TransactionClient, event: AuditEventInput, request: Pick<RequestMeta, "ip" | "userAgent"> | null): Promise<bigint>;
  /**
   * The event as an `audit_write(...)` expression for a single statement that also makes the change;
   * call `linker.poke()` once that statement has returned.
   */
  writeSql(event: AuditEventInput, request: Pick<RequestMeta, "ip" | "userAgent"> | null, columns?: AuditSqlColumns): Prisma.Sql;
  /** Chains committed events (linker.ts); `onLinked` feeds the live stream. */
  readonly linker: AuditLinker;
  /** Events committed and not linked after this long are reported by auditIntegrity (ms). */
  readonly maxLinkDelayMs: number;
}

type RecorderConfig = Pick<Config, "AUDIT_IP_KEY" | "AUDIT_METADATA_MAX_BYTES" | "AUDIT_HEAD_KEY" | "AUDIT_LINK_INTERVAL_MS" | "AUDIT_LINK_MAX_DELAY_MS">;

/** `busy`: requests are waiting for a database connection (the linker then defers commit-driven passes). */
export function createAuditRecorder(config: RecorderConfig, clock: Clock, db: LinkerDatabase, log: Logger, busy?: () => boolean): AuditRecorder {
  const options: AuditOptions = { ipKey: config.AUDIT_IP_KEY ?? DEFAULT_IP_KEY, metadataMaxBytes: config.AUDIT_METADATA_MAX_BYTES };
  const linker = createAuditLinker(db, options.ipKey, log, config.AUDIT_LINK_INTERVAL_MS, busy);
  return {
    options,
    // Without a configured key, heads signed by this process verify only until it restarts.
    headKey: config.AUDIT_HEAD_KEY ?? randomBytes(32).toString("hex"),
    record: async (tx, event, request) => {
      const id = await record(tx, event, request, options, clock.now());
      afterCommit(tx, () => linker.poke());
      return id;
    },
    writeSql: (event, request, columns) => auditWriteSql(event, request, options, clock.now(), columns),
    linker,
    maxLinkDelayMs: config.AUDIT_LINK_MAX_DELAY_MS,
  };
}

/** Who did it, as every event about a signed-in caller's action records it. */
export function actorFields(viewer: Viewer): Pick<AuditEventInput, "actorUserId" | "sessionId"> {
  return { actorUserId: viewer.user.id, sessionId: viewer.session.id };
}

/** Who started a maintenance job: an admin through a mutation, or nobody (interval job, CLI). */
export interface JobActor {
  userId: string | null;
  request: RequestMeta | null;
}

export const SYSTEM_ACTOR: JobActor = { userId: null, request: null };

/**
 * A signed-in caller was refused a mutation: recorded without holding up the refusal (the answer is
 * the same either way), failures to record are logged.
 */
export function recordAccessDenied(app: App, viewer: Viewer, operation: string, request: RequestMeta): void {
  app.db.prisma
    .$transaction((tx) => app.audit.record(tx, { type: "ACCESS_DENIED", ...actorFields(viewer), subjectUserId: viewer.user.id, metadata: { operation } }, request))
    .catch((err: unknown) => app.log.warn({ err, operation }, "could not record a refused mutation"));
}
