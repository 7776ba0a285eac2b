// Budgets per HTTP request, checked once the body is parsed and before any document is: the bytes of
// GraphQL source (the `query` strings of a batch added up), and, for batches, the tokens of all its
// documents together. Without the second, a batch multiplies the per-document token limit by its size,
// and with it the work validation does; the per-document limit itself is graphql-js' maxTokens
// (document-limits.ts).
import { GraphQLError, Lexer, Source, TokenKind } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Config } from "../../config.js";
import { ErrorCode } from "../../errors.js";

type BudgetConfig = Pick<Config, "GRAPHQL_MAX_TOKENS" | "GRAPHQL_MAX_DOCUMENT_BYTES">;

/** Tokens in `query` as the parser counts them (comments excluded), counting stopped past `limit`. */
export function countTokens(query: string, limit: number): number {
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  try {
    while (tokens <= limit && lexer.advance().kind !== TokenKind.EOF) tokens++;
  } catch {
    // A syntax error: the parser reports it; what was read until there still counts.
  }
  return tokens;
}

function queriesOf(params: unknown): string[] {
  const list: unknown[] = Array.isArray(params) ? params : [params];
  // Anything that is not a string query is Yoga's to reject (useCheckGraphQLQueryParams), later.
  return list.flatMap((p) => (typeof p === "object" && p !== null && "query" in p && typeof p.query === "string" ? [p.query] : []));
}

export function useRequestBudget(config: BudgetConfig): Plugin {
  const maxBytes = config.GRAPHQL_MAX_DOCUMENT_BYTES;
  const maxTokens = config.GRAPHQL_MAX_TOKENS;
  return {
    onRequestParse() {
      return {
        onRequestParseDone({ requestParserResult }) {
          // One document of at most maxBytes / 3 characters cannot exceed maxBytes of UTF-8: nothing to count.
          if (!Array.isArray(requestParserResult) && (requestParserResult.query?.length ?? 0) * 3 <= maxBytes) return;
          const queries = queriesOf(requestParserResult);
          const bytes = queries.reduce((sum, q) => sum + Buffer.byteLength(q), 0);
          if (bytes > maxBytes) {
            throw new GraphQLError(`The request's GraphQL documents are larger than ${maxBytes} bytes in total.`, {
              extensions: { code: ErrorCode.PAYLOAD_TOO_LARGE, http: { status: 413 } },
            });
          }
          // A single document is bounded by the parser's own maxTokens, without lexing it twice.
          if (!Array.isArray(requestParserResult)) return;
          let tokens = 0;
          for (const query of queries) {
            tokens += countTokens(query, maxTokens - tokens);
            if (tokens > maxTokens) {
              throw new GraphQLError(`The request's documents have more than ${maxTokens} tokens in total.`, {
                extensions: { code: ErrorCode.TOO_MANY_TOKENS, http: { status: 400 } },
              });
            }
          }
        },
      };
    },
  };
}
