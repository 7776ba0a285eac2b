// The two scalars, from graphql-scalars: DateTime (a JS Date inside, an ISO-8601 UTC string on the
// wire) and JSON.
import { DateTimeISOResolver, JSONResolver } from "graphql-scalars";
import { builder } from "./builder.js";

builder.addScalarType("DateTime", DateTimeISOResolver, {
  description: "An ISO-8601 timestamp in UTC, e.g. 2026-11-28T18:00:00.000Z.",
});
builder.addScalarType("JSON", JSONResolver, { description: "Arbitrary JSON value." });
