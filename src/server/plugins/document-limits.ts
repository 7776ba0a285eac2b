// Limits on the document itself, checked before execution, each rejection with a registry code:
// tokens (graphql-js' own maxTokens, while parsing, so a huge document is never turned into an AST),
// fields (counted right after parsing: validation compares same-named fields pairwise, so their number
// must be bounded before it runs), aliases and directives per operation (GraphQL Armor; fragments
// count once per spread), and introspection when it is off. Depth and cost are the Pothos complexity
// plugin's (graphql/builder.ts). Budgets per request (bytes, a batch's tokens) are request-budget.ts'.
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import { BREAK, GraphQLError, getNamedType, isIntrospectionType, parse, visit } from "graphql";
import type { DocumentNode, ValidationContext, ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Config } from "../../config.js";
import { ErrorCode } from "../../errors.js";

type LimitsConfig = Pick<
  Config,
  "GRAPHQL_MAX_TOKENS" | "GRAPHQL_MAX_FIELDS" | "GRAPHQL_MAX_ALIASES" | "GRAPHQL_MAX_DIRECTIVES" | "GRAPHQL_INTROSPECTION" | "NODE_ENV"
>;

// graphql-js 16 words it "more that N tokens".
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more tha[nt] \d+ tokens\. Parsing aborted\.$/;

/** True when `document` has more than `max` Field nodes (stops counting there). */
export function exceedsFields(document: DocumentNode, max: number): boolean {
  let fields = 0;
  let exceeded = false;
  visit(document, {
    Field() {
      if (++fields <= max) return undefined;
      exceeded = true;
      return BREAK;
    },
  });
  return exceeded;
}

/** Armor's rules report through this (instead of throwing), with our code and message. */
function rejectWith(code: ErrorCode, message: string) {
  return [(context: ValidationContext | null) => context?.reportError(new GraphQLError(message, { extensions: { code } }))];
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

export function useDocumentLimits(config: LimitsConfig): Plugin {
  const maxTokens = config.GRAPHQL_MAX_TOKENS;
  const maxFields = config.GRAPHQL_MAX_FIELDS;
  const rules: ValidationRule[] = [
    maxAliasesRule({
      n: config.GRAPHQL_MAX_ALIASES,
      propagateOnRejection: false,
      onReject: rejectWith(ErrorCode.TOO_MANY_ALIASES, `The operation uses more than ${config.GRAPHQL_MAX_ALIASES} aliases.`),
    }),
    maxDirectivesRule({
      n: config.GRAPHQL_MAX_DIRECTIVES,
      propagateOnRejection: false,
      onReject: rejectWith(ErrorCode.TOO_MANY_DIRECTIVES, `The operation uses more than ${config.GRAPHQL_MAX_DIRECTIVES} directives.`),
    }),
    ...(introspectionEnabled(config) ? [] : [noIntrospectionRule]),
  ];
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        let document: DocumentNode;
        try {
          document = parse(source, { ...options, maxTokens });
        } catch (error) {
          if (error instanceof GraphQLError && TOO_MANY_TOKENS.test(error.message)) {
            throw new GraphQLError(`The document has more than ${maxTokens} tokens.`, { extensions: { code: ErrorCode.TOO_MANY_TOKENS, http: { status: 400 } } });
          }
          throw error;
        }
        // Thrown from the parser, so Yoga caches the rejection like a syntax error and never validates.
        if (exceedsFields(document, maxFields)) {
          throw new GraphQLError(`The document selects more than ${maxFields} fields.`, { extensions: { code: ErrorCode.TOO_MANY_FIELDS, http: { status: 400 } } });
        }
        return document;
      });
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}
