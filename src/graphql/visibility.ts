// `node(id)` answers null for an object the caller may not read, exactly as for one that does not
// exist: otherwise `node(id) { __typename }` (which no field's scope check guards) would tell them
// apart. The type's own declared authScopes decide, by resolving its `id` field — the cheapest field
// every node type has, and one the type's scopes guard like any other.
import { isObjectType } from "graphql";
import type { GraphQLResolveInfo } from "graphql";
import { AppError, ErrorCode } from "../errors.js";
import type { Context } from "../server/context.js";

export async function readableOrNull<T>(node: T | null, typename: string, ctx: Context, info: GraphQLResolveInfo): Promise<T | null> {
  if (node === null) return null;
  const type = info.schema.getType(typename);
  if (!isObjectType(type)) return null;
  const resolveId = type.getFields().id?.resolve;
  if (!resolveId) return null;
  try {
    await resolveId(node, {}, ctx, { ...info, parentType: type, fieldName: "id", path: { prev: info.path, key: "id", typename } });
    return node;
  } catch (error) {
    if (error instanceof AppError && (error.code === ErrorCode.FORBIDDEN || error.code === ErrorCode.UNAUTHENTICATED)) return null;
    throw error;
  }
}
