// Relay global IDs: base64url("<Type>:<id>"). Arguments take them through `t.arg.globalID({ for })`;
// anything malformed, or of another type, is a typed INVALID_ID error, never a 500, and Postgres
// never sees junk.
import SchemaBuilder, { BasePlugin, PothosValidationError } from "@pothos/core";
import type { PothosOutputFieldConfig, SchemaTypes } from "@pothos/core";
import type { GraphQLFieldResolver } from "graphql";
import { InvalidIdError } from "../errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPE_NAME = /^[A-Z][A-Za-z]{0,40}$/;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

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
  // Every entity id is a UUID except audit events (bigint).
  if (typename === "AuditEvent" ? !/^\d{1,19}$/.test(id) : !isUuid(id)) throw new InvalidIdError();
  return { typename, id };
}

const WRONG_TYPE = /^ID: .* is not of type: (.+)$/;

/**
 * plugin-relay reports an ID of the wrong type (`for: UserRef` given a Role id) as a plain
 * validation error; this turns it into InvalidIdError where the errors plugin (outside it) can
 * return it as a typed result.
 */
class GlobalIdErrorsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapArgMappers(
    resolver: GraphQLFieldResolver<unknown, Types["Context"], object> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> | undefined {
    if (!resolver || fieldConfig.argMappers.length === 0) return resolver;
    return async (...args) => {
      try {
        return await resolver(...args);
      } catch (error) {
        const wrongType = error instanceof PothosValidationError ? WRONG_TYPE.exec(error.message) : null;
        throw wrongType ? new InvalidIdError(`Expected a ${wrongType[1]} ID.`) : error;
      }
    };
  }
}

export const GLOBAL_ID_ERRORS_PLUGIN = "authgraphGlobalIdErrors" as const;
SchemaBuilder.registerPlugin(GLOBAL_ID_ERRORS_PLUGIN, GlobalIdErrorsPlugin);

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      authgraphGlobalIdErrors: GlobalIdErrorsPlugin<Types>;
    }
  }
}
