// The chain head kept outside the table. The verifier can prove an edit or a deleted row in the
// middle from the table alone, but not a deleted TAIL (the newest events) or a chain rewritten to its
// end: for those it needs a head recorded elsewhere. A checkpoint signs (HMAC, AUDIT_HEAD_KEY) the
// newest event's id and hash, keeps the highest one in the cache, logs it (ship your logs and you
// hold an independent copy) and exports its id as a metric; `auditIntegrity` checks the chain still
// reaches it unchanged, from the cache or from a token an auditor kept.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { App } from "../../app.js";
import { keys } from "../../cache/keys.js";

export interface ChainHead {
  id: bigint;
  hash: string;
  /** When the checkpoint was taken. */
  at: Date;
}

const HEAD_TTL_MS = 400 * 86_400_000;
const TOKEN = /^v1\.(\d{1,19})\.([0-9a-f]{64})\.(\d{1,15})\.([0-9a-f]{64})$/;

function signature(key: string, head: ChainHead): string {
  return createHmac("sha256", key).update(`v1.${head.id}.${head.hash}.${head.at.getTime()}`).digest("hex");
}

/** `v1.<id>.<hash>.<ms>.<hmac>`: what the log line carries and what `auditIntegrity(head:)` takes. */
export function headToken(key: string, head: ChainHead): string {
  return `v1.${head.id}.${head.hash}.${head.at.getTime()}.${signature(key, head)}`;
}

/** The head in a token, or null when it is malformed or not signed with `key`. */
export function parseHeadToken(key: string, token: string): ChainHead | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const head = { id: BigInt(m[1] ?? "0"), hash: m[2] ?? "", at: new Date(Number(m[3])) };
  const expected = Buffer.from(signature(key, head), "hex");
  const given = Buffer.from(m[4] ?? "", "hex");
  return expected.length === given.length && timingSafeEqual(expected, given) ? head : null;
}

/** The newest signed head this deployment recorded, or null. */
export async function recordedHead(app: App): Promise<ChainHead | null> {
  const raw = await app.cache.get(keys.auditHead());
  return raw === null ? null : parseHeadToken(app.audit.headKey, raw);
}

/** Signs the newest linked event and records it unless a newer head is recorded already. */
export async function checkpointHead(app: App): Promise<ChainHead | null> {
  const newest = await app.db.prisma.auditEvent.findFirst({ where: { hash: { not: null } }, orderBy: { id: "desc" }, select: { id: true, hash: true } });
  if (!newest?.hash) return null;
  const head: ChainHead = { id: newest.id, hash: newest.hash, at: app.clock.now() };
  const token = headToken(app.audit.headKey, head);
  for (let attempt = 0; attempt < 5; attempt++) {
    const raw = await app.cache.get(keys.auditHead());
    const current = raw === null ? null : parseHeadToken(app.audit.headKey, raw);
    if (current && current.id >= head.id) break;
    if (await app.cache.compareAndSet(keys.auditHead(), raw, token, HEAD_TTL_MS)) break;
  }
  app.log.info({ auditHead: token, eventId: head.id.toString() }, "audit chain head");
  return head;
}
