// Shared by the audit tests: GraphQL documents and small readers.
import type { TestInstance } from "./instance.js";
import { encodeId } from "../../src/graphql/global-id.js";

export const EVENT_FIELDS = `id type ip userAgent metadata createdAt actor { id } subject { id } session { id }`;

export const AUDIT_EVENTS = `query($first: Int, $after: String, $last: Int, $before: String, $filter: AuditEventsFilter) {
  auditEvents(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
    edges { cursor node { ${EVENT_FIELDS} } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

export const INTEGRITY = `query($since: DateTime, $until: DateTime) {
  auditIntegrity(since: $since, until: $until) { ok checkedCount firstBrokenEventId unlinkedCount message }
}`;

export interface EventNode {
  id: string;
  type: string;
  ip: string | null;
  userAgent: string | null;
  metadata: Record<string, unknown> | null;
  createdAt: string;
  actor: { id: string } | null;
  subject: { id: string } | null;
  session: { id: string } | null;
}

export interface EventsPage {
  auditEvents: {
    edges: { cursor: string; node: EventNode }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

export interface IntegrityResult {
  auditIntegrity: { ok: boolean; checkedCount: number; firstBrokenEventId: string | null; unlinkedCount: number; message: string };
}

export function eventGid(id: bigint | number | string): string {
  return encodeId("AuditEvent", String(id));
}

export async function maxEventId(t: TestInstance): Promise<bigint> {
  const last = await t.db.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return last?.id ?? 0n;
}

/** Links every committed event into the chain now (what the linker does right after each commit). */
export async function linkAll(t: TestInstance): Promise<void> {
  await t.app.audit.linker.linkNow();
}

export async function integrity(t: TestInstance, token: string, vars: Record<string, unknown> = {}): Promise<IntegrityResult["auditIntegrity"]> {
  const res = await t.gql<IntegrityResult>(INTEGRITY, vars, { token });
  if (res.errors || !res.data) throw new Error(`auditIntegrity failed: ${JSON.stringify(res.errors)}`);
  return res.data.auditIntegrity;
}
