// Shared by the user and role administration tests: run a mutation as the admin, and collect the
// audit events a change wrote.
import { expect } from "vitest";
import type { AuditEventType } from "../../src/generated/prisma/enums.js";
import type { TestInstance } from "./instance.js";

export type Payload = Record<string, unknown> & { __typename: string; code?: string };

export const ERR = "... on Error { code message }";

/** The single root field of a mutation; GraphQL-level errors fail the test. */
export async function run(t: TestInstance, doc: string, token: string): Promise<Payload> {
  const res = await t.gql<Record<string, Payload>>(doc, {}, { token });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  const payload = Object.values(res.data ?? {})[0];
  if (!payload) throw new Error(`no data: ${JSON.stringify(res)}`);
  return payload;
}

export interface AuditedEvent {
  type: AuditEventType;
  actorUserId: string | null;
  subjectUserId: string | null;
  metadata: unknown;
}

/** Runs `change` and returns the audit events it wrote, oldest first. */
export async function audited(t: TestInstance, change: () => Promise<unknown>): Promise<AuditedEvent[]> {
  const last = await t.db.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  await change();
  return t.db.auditEvent.findMany({
    where: { id: { gt: last?.id ?? 0n } },
    orderBy: { id: "asc" },
    select: { type: true, actorUserId: true, subjectUserId: true, metadata: true },
  });
}
