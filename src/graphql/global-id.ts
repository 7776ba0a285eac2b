// Relay global IDs: base64url("<Type>:<id>"). Anything malformed is a typed INVALID_ID error, not a 500.
import { InvalidIdError } from "../errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

const TYPE_NAME = /^[A-Z][A-Za-z]{0,40}$/;

export function encodeId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${String(id)}`, "utf8").toString("base64url");
}

export function decodeId(globalId: string): { typename: string; id: string } {
  if (globalId.length > 200) throw new InvalidIdError();
  const raw = Buffer.from(globalId, "base64url").toString("utf8");
  const sep = raw.indexOf(":");
  const typename = raw.slice(0, sep);
  const id = raw.slice(sep + 1);
  if (sep < 1 || !TYPE_NAME.test(typename) || id.length === 0) throw new InvalidIdError();
  // Every entity id is a UUID except audit events (bigint); validate here so Postgres never sees junk.
  if (typename === "AuditEvent" ? !/^\d{1,19}$/.test(id) : !isUuid(id)) throw new InvalidIdError();
  return { typename, id };
}

/** Decode and require a given type (e.g. a `userId` argument must be a User id). */
export function decodeIdOf(typename: string, globalId: string): string {
  const decoded = decodeId(globalId);
  if (decoded.typename !== typename) throw new InvalidIdError(`Expected a ${typename} ID.`);
  return decoded.id;
}
