// The account page at /account: static HTML, a stylesheet and the script bundled from the generated
// client (client/account/), served from the project folder. It signs in with a cookie session, so it
// must stay same-origin, unframeable and free of inline script: its Content-Security-Policy says so.
import { readFile } from "node:fs/promises";
import type { Plugin } from "graphql-yoga";
import { projectFile } from "../project-root.js";

export const ACCOUNT_PATH = "/account";

const FILES: Record<string, { file: string; type: string }> = {
  [ACCOUNT_PATH]: { file: "client/account/index.html", type: "text/html; charset=utf-8" },
  [`${ACCOUNT_PATH}/`]: { file: "client/account/index.html", type: "text/html; charset=utf-8" },
  [`${ACCOUNT_PATH}/account.js`]: { file: "client/account/account.js", type: "text/javascript; charset=utf-8" },
  [`${ACCOUNT_PATH}/account.css`]: { file: "client/account/account.css", type: "text/css; charset=utf-8" },
};

const HEADERS = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  // Small and versioned with the gateway: revalidated on every load.
  "cache-control": "no-cache",
};

const loaded = new Map<string, Promise<Buffer>>();

export function useAccountPage(): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      const entry = FILES[url.pathname];
      if (!entry || (request.method !== "GET" && request.method !== "HEAD")) return;
      let body = loaded.get(entry.file);
      if (!body) {
        body = readFile(projectFile(entry.file));
        loaded.set(entry.file, body);
        // A failed read is retried by the next request rather than remembered.
        body.catch(() => loaded.delete(entry.file));
      }
      endResponse(new Response(request.method === "HEAD" ? null : new Uint8Array(await body), { headers: { "content-type": entry.type, ...HEADERS } }));
    },
  };
}
