// Pothos builder: configuration only. Types, queries and mutations live in each module's schema.ts.
import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import ScopeAuthPlugin, { AuthScopeFailureType } from "@pothos/plugin-scope-auth";
import type { AuthFailure, AuthScopeMap } from "@pothos/plugin-scope-auth";
import RelayPlugin from "@pothos/plugin-relay";
import PrismaPlugin from "@pothos/plugin-prisma";
import ComplexityPlugin, { ComplexityErrorKind } from "@pothos/plugin-complexity";
import type PrismaTypes from "../generated/pothos-prisma-types.js";
import { getDatamodel } from "../generated/pothos-prisma-types.js";
import type { Context } from "../server/context.js";
import type { PermissionKey } from "../modules/rbac/catalogue.js";
import { recordAccessDenied } from "../modules/audit/recorder.js";
import type { Viewer } from "../modules/sessions/session.js";
import { isObjectType } from "graphql";
import { ForbiddenError, UnauthenticatedError, ValidationError, AppError, ErrorCode, InvalidIdError, StepUpRequiredError } from "../errors.js";
import { GLOBAL_ID_ERRORS_PLUGIN, decodeId, encodeId } from "./global-id.js";
import { OBJECT_GRANTS_PLUGIN } from "./object-grants.js";
import { readableOrNull } from "./visibility.js";

export type Scalars = {
  DateTime: { Input: Date; Output: Date };
  JSON: { Input: unknown; Output: unknown };
};

interface AuthgraphTypes {
  Context: Context;
  PrismaTypes: PrismaTypes;
  Scalars: Scalars;
  AuthScopes: { public: boolean; authenticated: boolean; permission: PermissionKey; self: string; recentMfa: boolean };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
}

export const builder = new SchemaBuilder<AuthgraphTypes>({
  // Order matters: errors wraps scope-auth (so FORBIDDEN can be a typed result) and the global-id
  // plugin (so an ID of the wrong type can be one too); object grants sit inside scope-auth (grants.ts).
  plugins: [ErrorsPlugin, GLOBAL_ID_ERRORS_PLUGIN, RelayPlugin, ScopeAuthPlugin, OBJECT_GRANTS_PLUGIN, PrismaPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  prisma: {
    // One generated client, one instance per gateway (tests run several against separate databases).
    client: (ctx) => ctx.app.db.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
    defaultConnectionSize: 20,
    // The hard limit is enforced with a typed PAGE_SIZE_EXCEEDED error before execution (see yoga
    // plugins); this only guards fields that somehow bypass it.
    maxConnectionSize: 1000,
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    encodeGlobalID: encodeId,
    decodeGlobalID: decodeId,
    nodesQueryOptions: false,
    nodeQueryOptions: {
      authScopes: { authenticated: true },
      // An id that decodes to a type with no nodes (unknown, or not a Node) is as malformed as one
      // that does not decode; relay would ask the config store for it and fail with an internal error.
      resolve: async (_root, { id }, ctx, info, resolveNode) => {
        const type = info.schema.getType(id.typename);
        if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === "Node")) throw new InvalidIdError();
        return readableOrNull(await resolveNode(id), id.typename, ctx, info);
      },
    },
  },
  scopeAuth: {
    // Computed once per request; `permission` is a loader so each key is checked at most once.
    authScopes: (ctx) => ({
      // `public` is always granted: it marks a field as deliberately open (the schema walk in
      // test/rbac/declared-auth.test.ts fails on any field or type with no declaration at all).
      public: true,
      authenticated: ctx.viewer !== null,
      permission: (key) => ctx.hasPermission(key),
      self: (userId) => ctx.viewer?.user.id === userId,
      recentMfa: () => ctx.hasRecentMfa(),
    }),
    unauthorizedError: (parent, ctx, info, result) => {
      if (!ctx.viewer) return new UnauthenticatedError();
      // Held, but only with a (recent) second factor: say so, so the client can step up.
      if (mfaWouldPass(result.failure, ctx)) return new StepUpRequiredError(ctx.app.config.STEP_UP_MAX_AGE_SECONDS);
      // A refused mutation field (its parent is the root). An object a mutation returned and the caller
      // may not read (its type's scopes, checked once the mutation ran) refuses the reading only.
      if (info.parentType.name === "Mutation" && parent === undefined) recordAccessDenied(ctx.app, ctx.viewer, info.fieldName, ctx.request);
      return new ForbiddenError();
    },
    // The first granted scope ends a check, so maps list `self` (a comparison) before `permission`
    // (which may load the caller's permissions: a member reading their own data never does).
    defaultStrategy: "any",
    // Subscriptions are authorised when the stream opens; streams re-check per event themselves.
    authorizeOnSubscribe: true,
    // A type's scopes run once per object (in isTypeOf) instead of once per field of it: on a 50-user
    // page every field of every user, session and role went through scope-auth's wrapper.
    runScopesOnType: true,
  },
  errors: {
    defaultTypes: [],
    // Lets a malformed global-ID argument (decoded before the resolver runs) be a typed InvalidIdError.
    unsafelyHandleInputErrors: true,
  },
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: 10,
    limit: (ctx) => ({
      complexity: ctx.app.config.GRAPHQL_MAX_COMPLEXITY,
      depth: ctx.app.config.GRAPHQL_MAX_DEPTH,
      breadth: ctx.app.config.GRAPHQL_MAX_COMPLEXITY,
    }),
    complexityError: (kind, result) =>
      new AppError(
        kind === ComplexityErrorKind.Depth ? ErrorCode.QUERY_TOO_DEEP : ErrorCode.QUERY_TOO_COMPLEX,
        kind === ComplexityErrorKind.Depth
          ? `Query depth ${result.depth} exceeds the limit of ${result.maxDepth}.`
          : `Query ${kind} ${kind === ComplexityErrorKind.Breadth ? result.breadth : result.complexity} exceeds the limit of ${kind === ComplexityErrorKind.Breadth ? result.maxBreadth : result.maxComplexity}.`,
      ),
  },
});

/**
 * Sensitive operations: `scopes` as before, and a second factor proved within
 * STEP_UP_MAX_AGE_SECONDS when the actor has one (else StepUpRequiredError).
 */
export function stepUp(scopes: AuthScopeMap<PothosSchemaTypes.ExtendDefaultTypes<AuthgraphTypes>>) {
  return { $all: { $any: scopes, recentMfa: true } };
}

/** Whether the refusal would not have happened in a session with a recent second factor. */
function mfaWouldPass(failure: AuthFailure, ctx: Context): boolean {
  switch (failure.kind) {
    case AuthScopeFailureType.AuthScope:
      return failure.scope === "recentMfa" || (failure.scope === "permission" && typeof failure.parameter === "string" && ctx.permissionNeedsMfa(failure.parameter));
    case AuthScopeFailureType.AnyAuthScopes:
      return failure.failures.some((f) => mfaWouldPass(f, ctx));
    case AuthScopeFailureType.AllAuthScopes:
      return failure.failures.length > 0 && failure.failures.every((f) => mfaWouldPass(f, ctx));
    default:
      return false;
  }
}

/** The viewer of a field whose authScopes already require one; this narrows the type. */
export function actor(ctx: Context): Viewer {
  if (!ctx.viewer) throw new UnauthenticatedError();
  return ctx.viewer;
}
