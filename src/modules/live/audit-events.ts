// `auditEventAdded(filter, after)`: audit events as they commit, on any instance, for holders of
// audit:read. With `after` (the cursor of the last event a client saw) the missed events are read from
// PostgreSQL first, then the stream goes live; ids at or below the last one sent are skipped, so the
// two parts meet with no gap and no duplicate. The subscriber's session and permission are checked on
// every event and heartbeat: a lost permission or an ended session ends the stream with its code.
import type { App } from "../../app.js";
import { ForbiddenError, UnauthenticatedError } from "../../errors.js";
import { encodeAuditCursor, findAuditEvents, matchesAuditFilter, newestAuditEventId } from "../audit/query.js";
import type { AuditEventRecord, AuditFilter } from "../audit/query.js";
import { createPermissionLoaders, holdsPermission } from "../rbac/permission-cache.js";
import type { Viewer } from "../sessions/session.js";
import { resolveViewer } from "../sessions/validate.js";
import { openStream } from "./stream.js";
import type { Emitted, Step } from "./stream.js";

const REPLAY_PAGE = 200;
const PERMISSION = "audit:read";

export interface AddedAuditEvent {
  cursor: string;
  event: AuditEventRecord;
}

/** Null while the token's session is the subscriber's and still holds audit:read; else why not. */
async function refusal(app: App, token: string | null, viewer: Viewer): Promise<Error | null> {
  const current = await resolveViewer(app, token, { extend: false });
  if (current?.session.id !== viewer.session.id) return new UnauthenticatedError("Your session has ended.");
  // A fresh loader: the cached set is checked against the permission epoch, so a revoked role shows at once.
  const set = await createPermissionLoaders(app).permissions.load(current.user.id);
  return holdsPermission(set, current.session, PERMISSION) ? null : new ForbiddenError("You no longer hold audit:read.");
}

export async function auditEventAdded(app: App, viewer: Viewer, token: string | null, filter: AuditFilter, after: bigint | null): Promise<AsyncIterable<Emitted<AddedAuditEvent>>> {
  let lastSent = 0n;
  const added = (event: AuditEventRecord): AddedAuditEvent => ({ cursor: encodeAuditCursor(event.id), event });
  const deliver = async (rows: readonly AuditEventRecord[]): Promise<Step<AddedAuditEvent>> => {
    const fresh = rows.filter((r) => r.id > lastSent);
    if (fresh.length === 0) return { emit: [] };
    lastSent = fresh[fresh.length - 1]?.id ?? lastSent;
    const matching = fresh.filter((r) => matchesAuditFilter(filter, r));
    if (matching.length === 0) return { emit: [] };
    const refused = await refusal(app, token, viewer);
    return refused ? { emit: [], end: refused } : { emit: matching.map(added) };
  };
  return openStream<AuditEventRecord, AddedAuditEvent>(app, {
    userId: viewer.user.id,
    field: "auditEventAdded",
    async listen(push) {
      const { watermark, detach } = await app.live.auditTail.attach(push);
      // Without a cursor: after everything committed before the stream opened, linked yet or not
      // (pushed rows are handled only after this returns).
      if (after !== null) lastSent = after;
      else {
        const committed = await newestAuditEventId(app.db.prisma);
        lastSent = committed > watermark ? committed : watermark;
      }
      return detach;
    },
    replay: after === null ? undefined : async function* () {
      for (;;) {
        // Linked rows only, as the tail hands out: an unlinked one could still gain a lower neighbour.
        const rows = await findAuditEvents(app.db.prisma, { ...filter, linkedOnly: true }, { olderThan: null, newerThan: lastSent, limit: REPLAY_PAGE, oldestFirst: true });
        if (rows.length === 0) return;
        const step = await deliver(rows);
        yield step;
        if (step.end !== undefined || rows.length < REPLAY_PAGE) return;
      }
    },
    handle: (row) => deliver([row]),
    async heartbeat() {
      const refused = await refusal(app, token, viewer);
      return refused ? { emit: [], end: refused } : { emit: [] };
    },
  });
}
