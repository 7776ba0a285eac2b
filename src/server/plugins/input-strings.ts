// Every string a client sends, bounded in one place before anything runs: no NUL character (PostgreSQL
// text cannot hold one, so it would only fail deep in execution, as an internal error) and at most
// GRAPHQL_MAX_STRING_LENGTH characters. Variables are checked as soon as the operation's params are
// known, before parsing; the document's string literals by a validation rule (cached with the
// document). Either way the answer is BAD_USER_INPUT and nothing is executed.
import { GraphQLError } from "graphql";
import type { ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Config } from "../../config.js";
import { ErrorCode } from "../../errors.js";

type Problem = "nul" | "long";

function stringProblem(value: string, max: number): Problem | null {
  if (value.length > max) return "long";
  return value.includes("\u0000") ? "nul" : null;
}

/** The first problem in any string of a JSON value (keys included), walked without recursion. */
export function findStringProblem(root: unknown, max: number): Problem | null {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === "string") {
      const problem = stringProblem(value, max);
      if (problem) return problem;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const problem = stringProblem(key, max);
        if (problem) return problem;
        pending.push(item);
      }
    }
  }
  return null;
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

export function useInputStrings(config: Pick<Config, "GRAPHQL_MAX_STRING_LENGTH">): Plugin {
  const max = config.GRAPHQL_MAX_STRING_LENGTH;
  const stringLiteralLimitsRule: ValidationRule = (context) => ({
    StringValue(node) {
      const problem = stringProblem(node.value, max);
      if (!problem) return;
      const message = problem === "nul" ? "String literals must not contain a NUL character (\\u0000)." : `String literals must be at most ${max} characters long.`;
      context.reportError(new GraphQLError(message, { nodes: [node], extensions: { code: ErrorCode.BAD_USER_INPUT } }));
    },
  });
  return {
    onParams({ params }) {
      const variables: unknown = params.variables;
      if (typeof variables !== "object" || variables === null) return;
      for (const [name, value] of Object.entries(variables)) {
        const problem = stringProblem(name, max) ?? findStringProblem(value, max);
        if (!problem) continue;
        // The name is the client's own text: quoted only when it is a plausible GraphQL name.
        const subject = NAME.test(name) ? `Variable "$${name}"` : "A variable";
        const message = problem === "nul" ? `${subject} contains a NUL character (\\u0000), which is not allowed in strings.` : `${subject} contains a string longer than ${max} characters.`;
        throw new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, http: { spec: true, status: 400 } } });
      }
    },
    onValidate({ addValidationRule }) {
      addValidationRule(stringLiteralLimitsRule);
    },
  };
}
