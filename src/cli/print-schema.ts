// `npm run schema` writes schema.graphql, regenerates the typed client (client/generated) and rebuilds
// the account page's script from it (client/account/account.js); `npm run schema:check` fails when any
// of them is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { lexicographicSortSchema, printSchema } from "graphql";
import { schema } from "../graphql/index.js";

const file = new URL("../../schema.graphql", import.meta.url);
const printed = `${printSchema(lexicographicSortSchema(schema))}\n`;
const mode = process.argv[2];

// Loaded only here: codegen is a dev tool, and it reads the schema file written above.
const clientCodegen = () => import("../../scripts/client-codegen.js");
const accountBundle = () => import("../../scripts/account-bundle.js");

if (mode === "--write") {
  writeFileSync(file, printed);
  console.log("wrote schema.graphql");
  try {
    const written = await (await clientCodegen()).writeClient();
    written.push(await (await accountBundle()).writeAccountBundle());
    console.log(`wrote ${written.join(", ")}`);
  } catch (error) {
    // The schema is written either way; an operation the new schema breaks must be fixed by hand.
    console.error(`client codegen failed (fix client/operations/*.graphql, then \`npm run codegen\`): ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
} else {
  let current = "";
  try {
    current = readFileSync(file, "utf8");
  } catch {
    // missing counts as stale
  }
  if (current !== printed) {
    console.error("schema.graphql is stale: run `npm run schema` (it regenerates client/generated too) and commit the result.");
    process.exit(1);
  }
  console.log("schema.graphql is up to date");
  let stale: string[];
  try {
    stale = await (await clientCodegen()).staleClientFiles();
  } catch (error) {
    console.error(`client codegen failed (an operation in client/operations no longer matches the schema?): ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  if (stale.length > 0) {
    console.error(`client/generated is stale (${stale.join(", ")}): run \`npm run schema\` or \`npm run codegen\` and commit the result.`);
    process.exit(1);
  }
  console.log("client/generated is up to date");
  const bundle = await accountBundle();
  if (!(await bundle.accountBundleIsCurrent())) {
    console.error(`${bundle.ACCOUNT_BUNDLE} is stale: run \`npm run schema\` (or \`npm run account:bundle\`) and commit the result.`);
    process.exit(1);
  }
  console.log(`${bundle.ACCOUNT_BUNDLE} is up to date`);
}
