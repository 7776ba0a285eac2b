// Erasing an account's personal data from the audit trail while keeping every event and every hash:
// the hash covers keyed digests of the IP, the user agent and the personal metadata fields (see
// append.ts), so each can be replaced by `pseudo:<digest>` through the maintainer's SECURITY DEFINER
// function, and the chain still verifies. Events written before user agents and metadata were
// digested (the legacy hash) can only have their IP replaced; their other fields are left as they are.
//
// Which data is the user's: the IP and user agent of events the user did (actor), or that concern
// them with no actor (failed sign-ins) or name one of their addresses; the personal metadata fields
// of events they did or that concern them, and any holding one of their addresses.
import type { Prisma } from "../../generated/prisma/client.js";
import { PERSONAL_METADATA_KEYS, isPseudonym, pseudonymiseIp, rowHashFormat } from "./append.js";
import type { StoredAuditRow } from "./append.js";

type Tx = Prisma.TransactionClient;

const BATCH = 500;

function metadataObject(v: unknown): Record<string, unknown> | null {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** Every address the user had that the trail still holds in clear (current, and from email changes). */
async function addressesOf(tx: Tx, userId: string, current: string): Promise<string[]> {
  const rows = await tx.auditEvent.findMany({
    where: { subjectUserId: userId, type: { in: ["EMAIL_CHANGED", "EMAIL_CHANGE_REQUESTED"] } },
    select: { metadata: true },
  });
  const found = new Set([current]);
  for (const row of rows) {
    const m = metadataObject(row.metadata);
    for (const field of PERSONAL_METADATA_KEYS) {
      const value = m?.[field];
      if (typeof value === "string" && !isPseudonym(value)) found.add(value);
    }
  }
  return [...found];
}

interface Replacement {
  id: bigint;
  ip: string | null;
  userAgent: string | null;
  metadata: string | null;
}

function replacementFor(row: StoredAuditRow, userId: string, emails: Set<string>, key: string): Replacement | null {
  // Not linked yet: it will be hashed in the current format, over whatever it holds by then.
  const format = row.hash === null ? "current" : rowHashFormat(row, key);
  // An altered row stays as the evidence it is.
  if (format === null) return null;
  const m = metadataObject(row.metadata);
  const namesAddress = PERSONAL_METADATA_KEYS.some((f) => typeof m?.[f] === "string" && emails.has(m[f] as string));
  const concernsUser = row.actorUserId === userId || row.subjectUserId === userId;
  const requester = row.actorUserId === userId || (row.actorUserId === null && (row.subjectUserId === userId || namesAddress));
  const ip = requester && row.ip !== null && !isPseudonym(row.ip) ? pseudonymiseIp(row.ip, key) : null;
  // The legacy hash covers the raw user agent and metadata: replacing them would break the row.
  const current = format === "current";
  const userAgent = current && requester && row.userAgent !== null && !isPseudonym(row.userAgent) ? pseudonymiseIp(row.userAgent, key) : null;
  let metadata: string | null = null;
  if (current && m) {
    const next = { ...m };
    for (const field of PERSONAL_METADATA_KEYS) {
      const value = next[field];
      if (typeof value === "string" && !isPseudonym(value) && (concernsUser || emails.has(value))) next[field] = pseudonymiseIp(value, key);
    }
    if (PERSONAL_METADATA_KEYS.some((f) => next[f] !== m[f])) metadata = JSON.stringify(next);
  }
  return ip || userAgent || metadata ? { id: row.id, ip, userAgent, metadata } : null;
}

/**
 * Pseudonymises the user's personal data in events with an id above `afterId` (0 = all), inside the
 * caller's transaction. Returns how many events changed.
 */
export async function pseudonymiseUserAuditData(tx: Tx, key: string, user: { id: string; email: string }, afterId = 0n): Promise<number> {
  const emails = await addressesOf(tx, user.id, user.email);
  const emailSet = new Set(emails);
  let cursor = afterId;
  let changed = 0;
  for (;;) {
    // Actor and subject are indexed; the metadata match scans, which erasure (rare) can afford.
    const rows = await tx.$queryRaw<StoredAuditRow[]>`
      SELECT id, type::text AS type, actor_user_id::text AS "actorUserId", subject_user_id::text AS "subjectUserId",
             session_id::text AS "sessionId", ip, user_agent AS "userAgent", metadata, created_at AS "createdAt",
             prev_hash AS "prevHash", hash
      FROM audit_events
      WHERE id > ${cursor} AND (actor_user_id = ${user.id}::uuid OR subject_user_id = ${user.id}::uuid
        OR metadata ->> 'email' = ANY(${emails}::text[]) OR metadata ->> 'previousEmail' = ANY(${emails}::text[]))
      ORDER BY id LIMIT ${BATCH}`;
    const replacements = rows.map((r) => replacementFor(r, user.id, emailSet, key)).filter((r): r is Replacement => r !== null);
    if (replacements.length > 0) {
      const [result] = await tx.$queryRaw<{ n: number }[]>`
        SELECT audit_set_personal_pseudonyms(
          ${replacements.map((r) => r.id.toString())}::bigint[], ${replacements.map((r) => r.ip)}::text[],
          ${replacements.map((r) => r.userAgent)}::text[], ${replacements.map((r) => r.metadata)}::jsonb[]) AS n`;
      changed += result?.n ?? 0;
    }
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) return changed;
    cursor = last.id;
  }
}
