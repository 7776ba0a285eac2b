// `npm run schema` writes schema.graphql; `npm run schema:check` fails when it is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { lexicographicSortSchema, printSchema } from "graphql";
import { schema } from "./index.js";

const file = new URL("../../schema.graphql", import.meta.url);
const printed = `${printSchema(lexicographicSortSchema(schema))}\n`;
const mode = process.argv[2];

if (mode === "--write") {
  writeFileSync(file, printed);
  console.log("wrote schema.graphql");
} else {
  let current = "";
  try {
    current = readFileSync(file, "utf8");
  } catch {
    // missing counts as stale
  }
  if (current !== printed) {
    console.error("schema.graphql is stale: run `npm run schema` (and `npm run codegen`) and commit the result.");
    process.exit(1);
  }
  console.log("schema.graphql is up to date");
}
