// CSRF prevention for browser requests (@graphql-yoga/plugin-csrf-prevention): a "simple" request
// (GET, or POST with a form/text content type) can be sent cross-site with the user's cookies and no
// CORS preflight, so it must carry a header only a preflighted script could set. JSON POSTs (every
// GraphQL client, GraphiQL included) are preflighted by browsers and pass untouched.
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { ErrorCode } from "../../errors.js";

/** Any one of these marks a request as sent by a script (browsers never add them to simple requests). */
export const CSRF_HEADERS = ["x-graphql-csrf", "x-graphql-yoga-csrf", "apollo-require-preflight"] as const;

export function useCsrfPrevention(): Plugin {
  const library = useCSRFPrevention({ requestHeaders: [...CSRF_HEADERS] });
  return {
    onRequestParse(payload) {
      try {
        library.onRequestParse?.(payload);
      } catch {
        // The library's refusal, with the registry's code and a message that says what to do.
        throw new GraphQLError(
          `This request could be a cross-site request forgery. Send it as POST with content-type application/json, or add the header "${CSRF_HEADERS[0]}: 1".`,
          { extensions: { code: ErrorCode.CSRF_REJECTED, http: { status: 403 } } },
        );
      }
    },
  };
}
