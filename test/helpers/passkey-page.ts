// A page for driving WebAuthn in Chromium: served by the gateway under test (a Yoga plugin passed to
// createGateway), on http://localhost, which browsers treat as a secure context (an IP address is no
// valid relying-party id). Its helpers call /graphql like any browser client and wrap
// navigator.credentials with the JSON forms the gateway speaks (parse…OptionsFromJSON, toJSON()).
import { createServer } from "node:net";
import type { Plugin } from "graphql-yoga";

export const PASSKEY_PAGE = "/passkey-test";

const HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>passkeys</title><link rel="icon" href="data:,"></head>
<body><p>passkey test page</p><script>
window.gql = async (query, variables, token) => {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = "Bearer " + token;
  const res = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
};
window.createPasskey = async (options) =>
  (await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })).toJSON();
window.usePasskey = async (options) =>
  (await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) })).toJSON();
</script></body></html>`;

export function passkeyPage(): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (request.method === "GET" && url.pathname === PASSKEY_PAGE) endResponse(new Response(HTML, { headers: { "content-type": "text/html; charset=utf-8" } }));
    },
  };
}

/** A port free right now on 127.0.0.1 (the relying party's origin must be configured before the app starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
