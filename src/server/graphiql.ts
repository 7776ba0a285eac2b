// GraphiQL with every asset served from this process: Yoga's default page loads them from a CDN,
// which offline users (and this project's CI) cannot reach.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, normalize } from "node:path";
import type { GraphiQLOptions, Plugin } from "graphql-yoga";

export const GRAPHIQL_ASSET_PREFIX = "/graphiql-assets/";

const require = createRequire(import.meta.url);
const assetRoot = join(dirname(require.resolve("@graphql-yoga/graphiql/package.json")), "dist");

const TYPES: Record<string, string> = { ".js": "application/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };

export function renderGraphiQL(options: GraphiQLOptions): string {
  const p = GRAPHIQL_ASSET_PREFIX;
  // Yoga's page opens on its `query` prop (the URL's `?query=` first), else on a welcome comment; it
  // never reads `defaultQuery`, the option Yoga documents for it.
  const opts = JSON.stringify({ ...options, query: options.defaultQuery }).replace(/</g, "\\u003c");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>authgraph GraphiQL</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="${p}graphiql.css"></head>
<body id="body" class="no-focus-outline"><div id="root">Loading GraphiQL…</div>
<script>
const workerUrls = { editorWorkerService: "${p}monacoeditorwork/editor.worker.bundle.js", json: "${p}monacoeditorwork/json.worker.bundle.js", graphql: "${p}monacoeditorwork/graphql.worker..bundle.js" };
self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_id, label) => workerUrls[label] ?? workerUrls.editorWorkerService };
</script>
<script src="${p}yoga-graphiql.umd.js"></script>
<script>YogaGraphiQL.renderYogaGraphiQL(root, ${opts});</script>
</body></html>`;
}

const cache = new Map<string, Buffer>();

/** Serves a file below the package's dist folder, or null (never a path outside it). */
export async function graphiqlAsset(pathname: string): Promise<Response | null> {
  if (!pathname.startsWith(GRAPHIQL_ASSET_PREFIX)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname.slice(GRAPHIQL_ASSET_PREFIX.length));
  } catch {
    // Malformed percent-encoding (URIError): the client's mistake, and it names no file.
    return new Response("Bad request", { status: 400 });
  }
  const rel = normalize(decoded);
  if (rel.startsWith("..") || rel.includes("\0")) return new Response("Not found", { status: 404 });
  const ext = rel.slice(rel.lastIndexOf("."));
  const type = TYPES[ext];
  if (!type) return new Response("Not found", { status: 404 });
  let body = cache.get(rel);
  if (!body) {
    try {
      body = await readFile(join(assetRoot, rel));
    } catch {
      return new Response("Not found", { status: 404 });
    }
    cache.set(rel, body);
  }
  return new Response(new Uint8Array(body), { headers: { "content-type": type, "cache-control": "public, max-age=86400" } });
}

/** Serves the assets under GRAPHIQL_ASSET_PREFIX for GET requests. */
export function useGraphiQLAssets(): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (request.method !== "GET") return;
      const asset = await graphiqlAsset(url.pathname);
      if (asset) endResponse(asset);
    },
  };
}
