// `node(id)` answers null for an object the caller may not read, exactly as for one that does not
// exist: otherwise `node(id) { __typename }` would tell them apart. The type's own declared authScopes
// decide: scope-auth runs them once per object in the type's isTypeOf (runScopesOnType), and the `id`
// field, which every node type has, adds any scopes of its own.
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
    if (type.isTypeOf && !(await type.isTypeOf(node, ctx, info))) return null;
    await resolveId(node, {}, ctx, { ...info, parentType: type, fieldName: "id", path: { prev: info.path, key: "id", typename } });
    return node;
  } catch (error) {
    if (error instanceof AppError && (error.code === ErrorCode.FORBIDDEN || error.code === ErrorCode.UNAUTHENTICATED)) return null;
    throw error;
  }
}
