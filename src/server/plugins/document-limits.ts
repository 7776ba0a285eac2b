// Request guards that run before execution: token count (at parse time, so a huge document is never
// turned into an AST), aliases, introspection and batch size. Depth and cost are the Pothos complexity
// plugin's (schema/builder.ts); page size is checked by the connection fields. Each rejection carries a
// registry code.
import { GraphQLError, Kind, Lexer, Source, TokenKind, getNamedType, isIntrospectionType, parse } from "graphql";
import type { ASTVisitor, FragmentDefinitionNode, SelectionSetNode, ValidationContext, ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Config } from "../../config.js";
import { ErrorCode } from "../../errors.js";

function rejection(message: string, code: ErrorCode, status: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

/** Counts lexical tokens, stopping at max + 1. Lexing errors are left for the parser to report. */
function exceedsTokens(source: string, max: number): boolean {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) if (++count > max) return true;
  } catch {
    return false;
  }
  return false;
}

export function useTokenLimit(maxTokens: number): Plugin {
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        const text = typeof source === "string" ? source : source.body;
        if (exceedsTokens(text, maxTokens)) {
          throw rejection(`The document has more than ${maxTokens} tokens.`, ErrorCode.TOO_MANY_TOKENS, 400);
        }
        return parse(source, options);
      });
    },
  };
}

/** Aliases per operation, fragments counted once per spread (that is what execution multiplies). */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    const memo = new Map<string, number>();
    const count = (set: SelectionSetNode, visiting: Set<string>): number => {
      let n = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          if (sel.alias) n++;
          if (sel.selectionSet) n += count(sel.selectionSet, visiting);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          n += count(sel.selectionSet, visiting);
        } else {
          const name = sel.name.value;
          const fragment = fragments.get(name);
          // Unknown and cyclic spreads are reported by the standard rules.
          if (!fragment || visiting.has(name)) continue;
          let inner = memo.get(name);
          if (inner === undefined) {
            inner = count(fragment.selectionSet, new Set([...visiting, name]));
            memo.set(name, inner);
          }
          n += inner;
        }
        if (n > maxAliases) return n;
      }
      return n;
    };
    return {
      OperationDefinition(node) {
        const aliases = count(node.selectionSet, new Set());
        if (aliases > maxAliases) {
          context.reportError(
            new GraphQLError(`The operation uses more than ${maxAliases} aliases.`, { nodes: [node], extensions: { code: ErrorCode.TOO_MANY_ALIASES } }),
          );
        }
      },
    };
  };
}

/**
 * Like graphql-js' NoSchemaIntrospectionCustomRule, with a registry code and one error per entry point:
 * introspection types are reachable only through `__schema` and `__type`. `__typename` stays allowed.
 */
export const noIntrospectionRule: ValidationRule = (context) => ({
  Field(node) {
    const type = getNamedType(context.getType());
    if (type && isIntrospectionType(type) && (node.name.value === "__schema" || node.name.value === "__type")) {
      context.reportError(
        new GraphQLError(`Introspection is disabled on this server (field "${node.name.value}").`, {
          nodes: [node],
          extensions: { code: ErrorCode.INTROSPECTION_DISABLED },
        }),
      );
    }
  },
});

export function introspectionEnabled(config: Pick<Config, "GRAPHQL_INTROSPECTION" | "NODE_ENV">): boolean {
  return config.GRAPHQL_INTROSPECTION ?? config.NODE_ENV !== "production";
}

export function useValidationLimits(config: Pick<Config, "GRAPHQL_MAX_ALIASES" | "GRAPHQL_INTROSPECTION" | "NODE_ENV">): Plugin {
  const aliases = aliasLimitRule(config.GRAPHQL_MAX_ALIASES);
  const introspection = introspectionEnabled(config);
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(aliases);
      if (!introspection) addValidationRule(noIntrospectionRule);
    },
  };
}

/**
 * Runs before Yoga's own batching guard (user plugins come first), so the rejection carries
 * BATCH_TOO_LARGE instead of Yoga's generic BAD_REQUEST. maxBatch 0 = batching disabled.
 */
export function useBatchLimit(maxBatch: number): Plugin {
  return {
    onRequestParse() {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (!Array.isArray(requestParserResult)) return;
          if (maxBatch === 0) throw rejection("Batched requests are disabled on this server.", ErrorCode.BATCH_TOO_LARGE, 400);
          if (requestParserResult.length > maxBatch) {
            throw rejection(`A batch may hold at most ${maxBatch} operations (got ${requestParserResult.length}).`, ErrorCode.BATCH_TOO_LARGE, 413);
          }
        },
      };
    },
  };
}

/**
 * Rejects a declared Content-Length over the limit before reading anything. Bodies without one
 * (chunked) are counted while read by Yoga's `maxRequestBodySize` guard, whose code errors.ts maps
 * to PAYLOAD_TOO_LARGE.
 */
export function useBodyLimit(limitBytes: number): Plugin {
  return {
    onRequestParse({ request }) {
      const declared = request.headers.get("content-length");
      if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limitBytes) {
        throw rejection(`The request body exceeds ${limitBytes} bytes.`, ErrorCode.PAYLOAD_TOO_LARGE, 413);
      }
    },
  };
}
