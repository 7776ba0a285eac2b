// The one writer of the security audit trail. Every security-relevant change calls `record(tx, ...)`
// inside its own transaction, so a rolled-back change leaves no event.
//
// Tamper evidence: each row stores prevHash and hash = sha-256(prevHash || canonical content), where
// the content holds personal data (IP, user agent, personal metadata fields) as keyed digests. The
// writer stores the event unlinked (no hash yet) and never waits for other writers; the linker
// (linker.ts) chains committed events in id order shortly after, so one linear chain still covers
// every event while concurrent writers no longer queue on one lock until each other's commit.
import { createHash, createHmac } from "node:crypto";
import type { AuditEventType } from "../../generated/prisma/enums.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { RequestMeta } from "../../app.js";

/** Arbitrary constant naming the audit-chain lock; audit_write() (shared) and audit_barrier() (exclusive) hard-code it. */
export const AUDIT_CHAIN_LOCK = 7_134_559_201_337n;

export interface AuditEventInput {
  type: AuditEventType;
  actorUserId?: string | null;
  subjectUserId?: string | null;
  sessionId?: string | null;
  metadata?: Record<string, unknown> | null;
}

export interface AuditOptions {
  /** Keyed digest of IPs in the hash, so pseudonymising an old IP keeps the chain valid. */
  ipKey: string;
  metadataMaxBytes: number;
}

type Tx = Prisma.TransactionClient;

export class AuditMetadataTooLargeError extends Error {}

/** Canonical JSON: object keys sorted, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function ipDigest(ip: string | null, key: string): string | null {
  return ip === null ? null : createHmac("sha256", key).update(ip).digest("hex");
}

/**
 * A pseudonymised IP is stored as `pseudo:<hex HMAC of the raw IP>`: exactly the digest the hash was
 * computed over, so replacing the raw IP by it leaves every hash in the chain valid.
 */
export const PSEUDO_PREFIX = "pseudo:";
const PSEUDONYM = /^pseudo:[0-9a-f]{64}$/;

export function isPseudonym(ip: string): boolean {
  return PSEUDONYM.test(ip);
}

export function pseudonymiseIp(ip: string, key: string): string {
  return isPseudonym(ip) ? ip : `${PSEUDO_PREFIX}${ipDigest(ip, key) ?? ""}`;
}

/**
 * The digest the hash covers for a stored personal value (the IP, the user agent, a personal metadata
 * field): a pseudonym's own digest, else HMAC(value).
 */
export function storedIpDigest(stored: string | null, key: string): string | null {
  if (stored !== null && isPseudonym(stored)) return stored.slice(PSEUDO_PREFIX.length);
  return ipDigest(stored, key);
}

export interface HashableEvent {
  id: bigint;
  type: string;
  actorUserId: string | null;
  subjectUserId: string | null;
  sessionId: string | null;
  ipDigest: string | null;
  userAgent: string | null;
  metadata: unknown;
  createdAt: Date;
}

export function eventHash(prevHash: string | null, e: HashableEvent): string {
  const content = canonicalJson([
    e.id.toString(),
    e.type,
    e.actorUserId,
    e.subjectUserId,
    e.sessionId,
    e.ipDigest,
    e.userAgent,
    e.metadata ?? null,
    e.createdAt.toISOString(),
  ]);
  return createHash("sha256")
    .update(prevHash ?? "")
    .update("|")
    .update(content)
    .digest("hex");
}

/** Columns of a stored row that the hash covers (as read back from the database). */
export interface StoredAuditRow {
  id: bigint;
  type: string;
  actorUserId: string | null;
  subjectUserId: string | null;
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
  metadata: unknown;
  createdAt: Date;
  prevHash: string | null;
  /** Null until the linker has chained the row (linker.ts). */
  hash: string | null;
}

/**
 * Metadata fields that hold personal data. Like the IP, the hash covers their keyed digest, so erasing
 * an account can replace them by `pseudo:<digest>` and every hash stays valid.
 */
export const PERSONAL_METADATA_KEYS = ["email", "previousEmail"] as const;

/** Metadata as the hash covers it: each personal field that is a string replaced by its digest. */
export function hashedMetadata(metadata: unknown, key: string): unknown {
  if (metadata === null || metadata === undefined || typeof metadata !== "object" || Array.isArray(metadata)) return metadata ?? null;
  const hashed: Record<string, unknown> = { ...metadata };
  for (const field of PERSONAL_METADATA_KEYS) {
    const value = hashed[field];
    if (typeof value === "string") hashed[field] = storedIpDigest(value, key);
  }
  return hashed;
}

/** What the hash covers of a row: its personal data (IP, user agent, personal metadata) as keyed digests. */
function hashable(row: Omit<StoredAuditRow, "prevHash" | "hash">, key: string): HashableEvent {
  return { ...row, ipDigest: storedIpDigest(row.ip, key), userAgent: storedIpDigest(row.userAgent, key), metadata: hashedMetadata(row.metadata, key) };
}

/** Recompute a stored row's hash: the verifier and the writer share this definition. */
export function storedRowHash(row: StoredAuditRow, ipKey: string): string {
  return eventHash(row.prevHash, hashable(row, ipKey));
}

/** Rows written before the user agent and personal metadata were digested: only the IP was. */
export function legacyRowHash(row: StoredAuditRow, ipKey: string): string {
  return eventHash(row.prevHash, { ...row, ipDigest: storedIpDigest(row.ip, ipKey) });
}

/** Which definition a stored row's hash matches, or null when neither does (the row was altered). */
export function rowHashFormat(row: StoredAuditRow, ipKey: string): "current" | "legacy" | null {
  if (storedRowHash(row, ipKey) === row.hash) return "current";
  return legacyRowHash(row, ipKey) === row.hash ? "legacy" : null;
}

/**
 * Metadata exactly as jsonb will give it back: a Date, a Map or an undefined inside it would
 * otherwise hash differently from what is stored, and the verifier would report tampering.
 */
function normaliseMetadata(metadata: Record<string, unknown> | null | undefined): unknown {
  if (metadata === null || metadata === undefined) return null;
  return JSON.parse(JSON.stringify(metadata)) as unknown;
}

/** The columns record() stores for `event`, checked and normalised. */
function prepare(event: AuditEventInput, request: Pick<RequestMeta, "ip" | "userAgent"> | null, options: AuditOptions, now: Date) {
  const metadata = normaliseMetadata(event.metadata);
  if (metadata !== null && Buffer.byteLength(canonicalJson(metadata)) > options.metadataMaxBytes) {
    throw new AuditMetadataTooLargeError(`audit metadata exceeds ${options.metadataMaxBytes} bytes`);
  }
  // Stored verbatim unless it merely looks like a pseudonym (a spoofed X-Forwarded-For), which would
  // make the verifier use it as a digest: such a value is pseudonymised at once.
  const rawIp = request?.ip ?? null;
  const ip = rawIp !== null && isPseudonym(rawIp) ? `${PSEUDO_PREFIX}${ipDigest(rawIp, options.ipKey) ?? ""}` : rawIp;
  return { metadata: metadata === null ? null : JSON.stringify(metadata), ip, createdAt: new Date(Math.floor(now.getTime())) };
}

/** Columns a statement that writes its own event computes from its own rows (see auditWriteSql). */
export interface AuditSqlColumns {
  subjectUserId?: Prisma.Sql;
  /** A jsonb expression; the caller keeps it within AUDIT_METADATA_MAX_BYTES. */
  metadata?: Prisma.Sql;
}

/**
 * The `audit_write(...)` call that stores `event`, as an SQL expression for a statement that makes a
 * change and records it in one round trip (a single statement is atomic without a transaction).
 * `columns` replace fields by expressions over that statement's rows.
 */
export function auditWriteSql(
  event: AuditEventInput,
  request: Pick<RequestMeta, "ip" | "userAgent"> | null,
  options: AuditOptions,
  now: Date,
  columns: AuditSqlColumns = {},
): Prisma.Sql {
  const p = prepare(event, request, options, now);
  return Prisma.sql`audit_write(${event.type}::"AuditEventType", ${event.actorUserId ?? null}::uuid,
    ${columns.subjectUserId ?? Prisma.sql`${event.subjectUserId ?? null}::uuid`}, ${event.sessionId ?? null}::uuid, ${p.ip},
    ${request?.userAgent ?? null}, ${columns.metadata ?? Prisma.sql`${p.metadata}::jsonb`}, ${p.createdAt}::timestamptz)`;
}

/**
 * Writes one event, unlinked, inside the transaction of the change it records. One statement:
 * `audit_write()` (prisma/migrations/*_audit_sequencer) takes the chain lock shared (writers do not
 * exclude each other; it only lets the linker's barrier know when this transaction has ended) and
 * inserts the row. Returns the event's id, final from the start: linking adds the hash, not the id.
 */
export async function record(
  tx: Tx,
  event: AuditEventInput,
  request: Pick<RequestMeta, "ip" | "userAgent"> | null,
  options: AuditOptions,
  now: Date = new Date(),
): Promise<bigint> {
  const [written] = await tx.$queryRaw<{ id: bigint }[]>`SELECT ${auditWriteSql(event, request, options, now)} AS id`;
  if (!written) throw new Error("audit: audit_write returned no row");
  return written.id;
}
