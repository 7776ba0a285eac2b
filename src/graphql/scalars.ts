// The two scalars, from graphql-scalars: DateTime (a JS Date inside, an ISO-8601 UTC string on the
// wire) and JSON.
import { GraphQLError, GraphQLScalarType } from "graphql";
import { DateTimeISOResolver, JSONResolver } from "graphql-scalars";
import { builder } from "./builder.js";

const EARLIEST = Date.parse("0001-01-01T00:00:00.000Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");

/** Inputs stop at what PostgreSQL stores and prints as four-digit years (it has no year 0). */
function inRange(date: Date): Date {
  const time = date.getTime();
  if (!(time >= EARLIEST && time <= LATEST)) throw new GraphQLError("DateTime must be between 0001-01-01 and 9999-12-31 (UTC).");
  return date;
}

const DateTimeScalar = new GraphQLScalarType<Date, string>({
  ...DateTimeISOResolver.toConfig(),
  parseValue: (value) => inRange(DateTimeISOResolver.parseValue(value)),
  parseLiteral: (ast, variables) => inRange(DateTimeISOResolver.parseLiteral(ast, variables)),
});

builder.addScalarType("DateTime", DateTimeScalar, {
  description: "An ISO-8601 timestamp in UTC, e.g. 2026-11-28T18:00:00.000Z.",
});
builder.addScalarType("JSON", JSONResolver, { description: "Arbitrary JSON value." });
