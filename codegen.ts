// GraphQL Code Generator: the typed client in client/generated/ from schema.graphql (the committed
// contract, not a running server) and the operations in client/operations/. `npm run codegen`
// writes it; `npm run schema:check` fails when it is stale.
import type { CodegenConfig } from "@graphql-codegen/cli";
import { Kind, visit } from "graphql";
import type { DocumentNode, FieldNode, SelectionSetNode } from "graphql";

export const CLIENT_OUTPUT_DIR = "client/generated/";

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: "__typename" } };

/**
 * `__typename` in every selection set below the root, as Apollo Client's cache adds it: the trusted
 * document is then exactly what Apollo sends and needs back (the gateway runs the manifest's text).
 */
function withTypenames(document: DocumentNode): DocumentNode {
  return visit(document, {
    SelectionSet(node: SelectionSetNode, _key, parent) {
      if (parent && "kind" in parent && parent.kind === Kind.OPERATION_DEFINITION) return undefined;
      if (node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === "__typename" && !s.alias)) return undefined;
      return { ...node, selections: [...node.selections, TYPENAME] };
    },
  });
}

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["client/operations/*.graphql"],
  ignoreNoDocuments: false,
  silent: true,
  generates: {
    [CLIENT_OUTPUT_DIR]: {
      preset: "client",
      documentTransforms: [{ transform: ({ documents }) => documents.map((d) => (d.document ? { ...d, document: withTypenames(d.document) } : d)) }],
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
