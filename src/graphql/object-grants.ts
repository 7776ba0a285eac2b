// Grants by object: a field declaring `grantScopes: ["owner"]` marks the object(s) it resolves to as
// granted for this request, and a type's authScopes function asks `isGranted(ctx, parent, "owner")`.
// scope-auth's own `$granted` matches response paths instead, which keeps a type's scope map from
// being cached: it is re-evaluated, with path strings built, on every field of every object.
//
// An object granted once is granted wherever it appears in the same response. That admits nothing
// the caller does not already see: the granting position shows the same object, with the same
// type-level check passed. (Loaders hand out one object per id within a request, so e.g. a role's
// permissions are shared by every user holding that role.)
import SchemaBuilder, { BasePlugin, createContextCache, isThenable } from "@pothos/core";
import type { PothosOutputFieldConfig, SchemaTypes } from "@pothos/core";
import type { GraphQLFieldResolver } from "graphql";

/** Per request: scope -> the objects granted it. */
const grantsOf = createContextCache((): Map<string, WeakSet<object>> => new Map());

function mark(ctx: object, scopes: readonly string[], value: unknown): void {
  if (typeof value !== "object" || value === null) return;
  const grants = grantsOf(ctx);
  for (const scope of scopes) {
    let granted = grants.get(scope);
    if (!granted) grants.set(scope, (granted = new WeakSet()));
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === "object" && item !== null) granted.add(item);
    } else granted.add(value);
  }
}

/** Whether a field with `grantScopes` including `scope` resolved to `object` in this request. */
export function isGranted(ctx: object, object: object, scope: string): boolean {
  return grantsOf(ctx).get(scope)?.has(object) ?? false;
}

/** Register after ScopeAuth: it wraps the resolver itself, which runs only once the field is authorised. */
class ObjectGrantsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types["Context"], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> {
    const declared = (fieldConfig.pothosOptions as { grantScopes?: unknown }).grantScopes;
    // Function-valued grants would need their arguments; none is declared, and an undeclared grant only refuses.
    if (!Array.isArray(declared) || declared.length === 0) return resolver;
    const scopes = declared.filter((s): s is string => typeof s === "string");
    return (parent, args, ctx, info) => {
      const result: unknown = resolver(parent, args, ctx, info);
      if (isThenable(result)) {
        return Promise.resolve(result).then((value: unknown) => {
          mark(ctx as object, scopes, value);
          return value;
        });
      }
      mark(ctx as object, scopes, result);
      return result;
    };
  }
}

export const OBJECT_GRANTS_PLUGIN = "authgraphObjectGrants" as const;
SchemaBuilder.registerPlugin(OBJECT_GRANTS_PLUGIN, ObjectGrantsPlugin);

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      authgraphObjectGrants: ObjectGrantsPlugin<Types>;
    }
  }
}
