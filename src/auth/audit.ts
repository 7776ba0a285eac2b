// The one writer of the security audit trail. Every security-relevant change calls `record(tx, ...)`
// inside its own transaction, so a rolled-back change leaves no event.
//
// Tamper evidence: each row stores prevHash and hash = sha-256(prevHash || canonical content).
// Appends are serialised with a transaction-level advisory lock so concurrent writers still form ONE
// linear chain whose order equals id order. The lock is held until commit, so callers record the event
// as the LAST statement of their transaction to keep the critical section short.
import { createHash, createHmac } from "node:crypto";
import type { AuditEventType } from "../generated/prisma/enums.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { RequestMeta } from "./types.js";

/** Arbitrary constant naming the audit-chain lock (pg_advisory_xact_lock takes a bigint). */
const AUDIT_CHAIN_LOCK = 7_134_559_201_337n;

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

/** Append one event to the chain. Must run inside the transaction of the change it records. */
export async function record(
  tx: Tx,
  event: AuditEventInput,
  request: Pick<RequestMeta, "ip" | "userAgent"> | null,
  options: AuditOptions,
  now: Date = new Date(),
): Promise<bigint> {
  const metadata = event.metadata ?? null;
  if (metadata !== null && Buffer.byteLength(canonicalJson(metadata)) > options.metadataMaxBytes) {
    throw new AuditMetadataTooLargeError(`audit metadata exceeds ${options.metadataMaxBytes} bytes`);
  }
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
  const [head] = await tx.$queryRaw<{ id: bigint; prev: string | null }[]>`
    SELECT nextval(pg_get_serial_sequence('audit_events', 'id')) AS id,
           (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1) AS prev`;
  if (!head) throw new Error("audit: could not allocate an id");
  const ip = request?.ip ?? null;
  const userAgent = request?.userAgent ?? null;
  const createdAt = new Date(Math.floor(now.getTime()));
  const hashable: HashableEvent = {
    id: head.id,
    type: event.type,
    actorUserId: event.actorUserId ?? null,
    subjectUserId: event.subjectUserId ?? null,
    sessionId: event.sessionId ?? null,
    ipDigest: ipDigest(ip, options.ipKey),
    userAgent,
    metadata,
    createdAt,
  };
  await tx.auditEvent.create({
    data: {
      id: head.id,
      type: event.type,
      actorUserId: hashable.actorUserId,
      subjectUserId: hashable.subjectUserId,
      sessionId: hashable.sessionId,
      ip,
      userAgent,
      metadata: metadata === null ? undefined : (metadata as Prisma.InputJsonValue),
      createdAt,
      prevHash: head.prev,
      hash: eventHash(head.prev, hashable),
    },
  });
  return head.id;
}
