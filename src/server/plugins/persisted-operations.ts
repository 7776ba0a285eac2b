// Trusted documents: the operations in client/operations/, hashed by the codegen step into
// client/generated/persisted-documents.json (sha256 -> document). PERSISTED_OPERATIONS decides what
// runs: `off` any document, `allow` manifest ids and any document, `only` manifest ids alone
// (default in production), so a first-party frontend runs only reviewed queries.
// Built on @graphql-yoga/plugin-persisted-operations; ids travel as Apollo's
// `extensions.persistedQuery.sha256Hash` (with or without the `sha256:` prefix codegen writes).
import { readFileSync } from "node:fs";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import type { Plugin } from "graphql-yoga";
import type { Config } from "../../config.js";
import { ErrorCode } from "../../errors.js";
import { projectFile } from "../../project-root.js";

export const MANIFEST_PATH = "client/generated/persisted-documents.json";

export type PersistedOperationsMode = "off" | "allow" | "only";

export function persistedOperationsMode(config: Pick<Config, "NODE_ENV" | "PERSISTED_OPERATIONS">): PersistedOperationsMode {
  return config.PERSISTED_OPERATIONS ?? (config.NODE_ENV === "production" ? "only" : "allow");
}

/** The manifest, keyed by the bare sha256 hex. */
export function loadManifest(file: URL = projectFile(MANIFEST_PATH)): Map<string, string> {
  const raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  const manifest = new Map<string, string>();
  for (const [key, document] of Object.entries(raw)) if (typeof document === "string") manifest.set(bareHash(key), document);
  return manifest;
}

function bareHash(id: string): string {
  return id.replace(/^sha256:/, "");
}

function persistedId(extensions: Record<string, unknown> | undefined): string | null {
  const pq = extensions?.persistedQuery;
  if (typeof pq !== "object" || pq === null || !("sha256Hash" in pq) || typeof pq.sha256Hash !== "string") return null;
  return bareHash(pq.sha256Hash);
}

export function usePersistedOperationsPolicy(mode: PersistedOperationsMode, manifest: ReadonlyMap<string, string>): Plugin[] {
  if (mode === "off") return [];
  const preferId: Plugin = {
    // The generated client sends a document's id and its text, so it works in every mode: a known id
    // runs the manifest's text; an unknown one, in `allow`, runs the text sent (`only` refuses it).
    onParams({ params, setParams }) {
      const id = persistedId(params.extensions);
      if (id === null || params.query === undefined) return;
      if (manifest.has(id)) setParams({ ...params, query: undefined, extensions: { ...params.extensions, persistedQuery: { version: 1, sha256Hash: id } } });
      else if (mode === "allow") setParams({ ...params, extensions: { ...params.extensions, persistedQuery: undefined } });
    },
  };
  const library = usePersistedOperations({
    allowArbitraryOperations: mode === "allow",
    extractPersistedOperationId: (params) => persistedId(params.extensions),
    getPersistedOperation: (id) => manifest.get(id) ?? null,
    customErrors: {
      notFound: { message: "No trusted document has this id.", extensions: { code: ErrorCode.PERSISTED_QUERY_NOT_FOUND } },
      persistedQueryOnly: {
        message: "This gateway runs only trusted documents: send the id of a generated operation as extensions.persistedQuery.sha256Hash.",
        extensions: { code: ErrorCode.PERSISTED_QUERY_ONLY, http: { status: 403 } },
      },
      keyNotFound: { message: "Send a query, or a trusted document's id as extensions.persistedQuery.sha256Hash.", extensions: { code: ErrorCode.BAD_REQUEST, http: { status: 400 } } },
    },
  });
  return [preferId, library];
}
