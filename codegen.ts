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
      presetConfig: {
        // Masked fragments suit component trees; this client hands plain typed results to scripts and tests.
        fragmentMasking: false,
        // The trusted-documents manifest (persisted-documents.json: sha256 -> document) the gateway
        // loads; each document carries its hash in `__meta__`.
        persistedDocuments: { mode: "embedHashInDocument", hashAlgorithm: "sha256" },
      },
      config: {
        // documentMode stays the preset's own (parsed TypedDocumentNodes, fragments inlined, which
        // Apollo Client, urql and graphql-request take as is): the only mode that embeds the hashes.
        // NodeNext needs `.js` on relative imports; verbatimModuleSyntax needs `import type`.
        emitLegacyCommonJSImports: false,
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: "string", JSON: "unknown" },
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      },
    },
    // Which object types each union and interface can be: Apollo Client's InMemoryCache needs it to
    // match `... on Error` and `... on Node` fragments.
    [`${CLIENT_OUTPUT_DIR}possible-types.ts`]: {
      plugins: ["fragment-matcher"],
      config: { apolloClientVersion: 3, useExplicitTyping: true },
    },
  },
};

export default config;
