// Authorization must be declared everywhere: every root field, and every object type except the
// Relay plumbing (connections, edges, PageInfo) whose data is reachable only through a declared field
// and a declared node type. `public: true` is how a field or type says "deliberately open".
import { getNamedType, isListType, isNonNullType, isObjectType } from "graphql";
import type { GraphQLField, GraphQLObjectType, GraphQLSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../../src/graphql/index.js";

/** Pothos keeps each field's and type's options in `extensions.pothosOptions`. */
function declaresAuth(extensions: unknown): boolean {
  const options = (extensions as { pothosOptions?: { authScopes?: unknown } } | null | undefined)?.pothosOptions;
  return options?.authScopes !== undefined;
}

function fieldNames(type: GraphQLObjectType): string[] {
  return Object.keys(type.getFields());
}

function isPageInfo(type: GraphQLObjectType): boolean {
  return type.name === "PageInfo" && fieldNames(type).every((f) => ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"].includes(f));
}

/** Connection and edge types, recognised by shape (not by name, so naming a type `...Connection` exempts nothing). */
function relayPlumbing(s: GraphQLSchema): Set<string> {
  const out = new Set<string>();
  for (const type of Object.values(s.getTypeMap())) {
    if (!isObjectType(type)) continue;
    if (isPageInfo(type)) out.add(type.name);
    const fields = type.getFields();
    const edges = fields.edges;
    const pageInfo = fields.pageInfo;
    if (!edges || !pageInfo || getNamedType(pageInfo.type).name !== "PageInfo") continue;
    if (!fieldNames(type).every((f) => ["edges", "pageInfo", "totalCount"].includes(f))) continue;
    const edgeList = isNonNullType(edges.type) ? edges.type.ofType : edges.type;
    const edge = getNamedType(edges.type);
    if (!isListType(edgeList) || !isObjectType(edge)) continue;
    if (!fieldNames(edge).every((f) => ["cursor", "node"].includes(f))) continue;
    out.add(type.name);
    out.add(edge.name);
  }
  return out;
}

function undeclaredAuth(s: GraphQLSchema): string[] {
  const problems: string[] = [];
  const roots = [s.getQueryType(), s.getMutationType(), s.getSubscriptionType()].filter((r): r is GraphQLObjectType => r != null);
  for (const root of roots) {
    for (const field of Object.values(root.getFields()) as GraphQLField<unknown, unknown>[]) {
      if (!declaresAuth(field.extensions)) problems.push(`${root.name}.${field.name}`);
    }
  }
  const exempt = relayPlumbing(s);
  for (const type of Object.values(s.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__") || roots.includes(type) || exempt.has(type.name)) continue;
    if (!declaresAuth(type.extensions)) problems.push(type.name);
  }
  return problems.sort();
}

describe("authorization is declared on every field and type", () => {
  it("the gateway schema has no undeclared root field or object type", () => {
    expect(undeclaredAuth(schema)).toEqual([]);
  });
});
