// Session metadata: the flexible per-session data a product keeps with a session (device name, the
// tenant picked, UI state). Readable by whoever may read the session, written by its owner: a JSON
// object of at most SESSION_METADATA_MAX_BYTES, on a session that has not ended. It is part of the
// cached session fragment, so an update replaces the fragment the way a refresh does.
import type { App, RequestMeta } from "../../app.js";
import { ConflictError, ValidationError } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { actorFields } from "../audit/recorder.js";
import { SESSION_SELECT, publicSession } from "./session.js";
import type { SessionRecord, Viewer } from "./session.js";
import { replaceFragment } from "./store.js";

const MAX_DEPTH = 10;

function depthOf(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depthOf(child)), 0);
}

/** The metadata as stored, or ValidationError: an object, not too large, not too deep. */
export function parseSessionMetadata(app: Pick<App, "config">, metadata: unknown): Prisma.InputJsonObject {
  const fail = (message: string): never => {
    throw new ValidationError([{ path: "metadata", message }]);
  };
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) return fail("must be a JSON object");
  const max = app.config.SESSION_METADATA_MAX_BYTES;
  if (Buffer.byteLength(JSON.stringify(metadata)) > max) return fail(`must be at most ${max} bytes as JSON`);
  if (depthOf(metadata) > MAX_DEPTH) return fail(`must be nested at most ${MAX_DEPTH} levels deep`);
  // Round-tripped, so what is stored is plain JSON whatever the scalar parser produced.
  return JSON.parse(JSON.stringify(metadata)) as Prisma.InputJsonObject;
}

/** The caller has been authorised as the session's owner (schema.ts). */
export async function updateSessionMetadata(app: App, viewer: Viewer, target: SessionRecord, metadata: unknown, request: RequestMeta): Promise<SessionRecord> {
  const value = parseSessionMetadata(app, metadata);
  const now = app.clock.now();
  const row = await app.db.prisma.$transaction(async (tx) => {
    const [updated] = await tx.session.updateManyAndReturn({
      where: { id: target.id, userId: viewer.user.id, revokedAt: null, expiresAt: { gt: now }, absoluteExpiresAt: { gt: now } },
      data: { metadata: value },
      select: SESSION_SELECT,
    });
    if (!updated) throw new ConflictError("This session has ended; its metadata can no longer change.");
    // Its size only: the content is the product's data, not the trail's.
    const size = { keyCount: Object.keys(value).length, bytes: Buffer.byteLength(JSON.stringify(value)) };
    await app.audit.record(tx, { type: "SESSION_METADATA_UPDATED", ...actorFields(viewer), subjectUserId: viewer.user.id, sessionId: target.id, metadata: size }, request);
    return updated;
  });
  // Not a plain delete: that could remove the tombstone of a revoke that committed right after us.
  await replaceFragment(app, { session: row, user: viewer.user });
  return publicSession(row);
}
