// The printed schema is the public contract: any change to it shows up in review as a snapshot diff.
// After an intended change: `npx vitest run test/schema-snapshot.test.ts -u` (and `npm run schema`).
import { lexicographicSortSchema, printSchema } from "graphql";
import { expect, it } from "vitest";
import { schema } from "../src/graphql/index.js";

it("the schema matches the committed snapshot", () => {
  expect(printSchema(lexicographicSortSchema(schema))).toMatchSnapshot();
});
