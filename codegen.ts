// GraphQL Code Generator: the typed client in client/generated/ from schema.graphql (the committed
// contract, not a running server) and the operations in client/operations/. `npm run codegen`
// writes it; `npm run schema:check` fails when it is stale.
import type { CodegenConfig } from "@graphql-codegen/cli";

export const CLIENT_OUTPUT_DIR = "client/generated/";

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["client/operations/*.graphql"],
  ignoreNoDocuments: false,
  silent: true,
  generates: {
    [CLIENT_OUTPUT_DIR]: {
      preset: "client",
      // Masked fragments suit component trees; this client hands plain typed results to scripts and tests.
      presetConfig: { fragmentMasking: false },
      config: {
        // Strings, not ASTs: the fetch wrapper sends `String(document)` and needs no graphql-js at run time.
        documentMode: "string",
        // NodeNext needs `.js` on relative imports; verbatimModuleSyntax needs `import type`.
        emitLegacyCommonJSImports: false,
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: "string", JSON: "unknown" },
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      },
    },
  },
};

export default config;
