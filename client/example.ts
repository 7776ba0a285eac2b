// Sign in, read the viewer, list my sessions, sign out — with the generated, typed documents (parsed
// TypedDocumentNodes, which Apollo Client, urql and graphql-request take as they are). A script has
// no cookie jar, so it asks for the token in the body and sends it as a bearer token.
//   AUTHGRAPH_URL=http://127.0.0.1:4000/graphql AUTHGRAPH_EMAIL=… AUTHGRAPH_PASSWORD=… npx tsx client/example.ts
import { pathToFileURL } from "node:url";
import { MySessionsDocument, SignInDocument, SignOutDocument, ViewerDocument, createClient } from "./index.js";

export interface ExampleOptions {
  url: string;
  email: string;
  password: string;
  print?: (line: string) => void;
}

export async function runExample({ url, email, password, print = console.log }: ExampleOptions): Promise<void> {
  const client = createClient({ url });

  const { signIn } = await client.request(SignInDocument, { input: { email, password } });
  // The result is a union: narrow on __typename, and TypeScript knows which fields exist.
  // An account with a second factor answers MfaRequired: finish with CompleteSignInDocument (client/operations/mfa.graphql).
  if (signIn.__typename === "MfaRequired") throw new Error(`a second factor is required (${signIn.methods.join(", ")}): use completeSignIn`);
  if (signIn.__typename !== "SignInSuccess") throw new Error(`sign-in failed: ${signIn.code} ${signIn.message}`);
  // Null only when the input asked for a cookie session (`cookie: true`, for browsers).
  if (!signIn.token) throw new Error("sign-in returned no token");
  client.setToken(signIn.token);
  print(`signed in as ${signIn.user.email} (session ${signIn.session.id})`);

  const { viewer } = await client.request(ViewerDocument);
  if (!viewer) throw new Error("no viewer although signed in");
  print(`viewer ${viewer.id}: ${viewer.user.email}, roles: ${viewer.user.roles.map((r) => r.key).join(", ")}, permissions: ${viewer.user.permissions.length}`);

  const sessions = await client.request(MySessionsDocument, { first: 10, activeOnly: true });
  for (const { node } of sessions.viewer?.user.sessions.edges ?? []) {
    print(`session ${node.id}${node.current ? " (this one)" : ""}: last seen ${node.lastSeenAt}, expires ${node.expiresAt}`);
  }

  const { signOut } = await client.request(SignOutDocument);
  if (signOut.__typename !== "SignOutSuccess") throw new Error(`sign-out failed: ${signOut.code}`);
  client.setToken(null);
  print("signed out");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = (name: string, fallback?: string): string => {
    const value = process.env[name] ?? fallback;
    if (!value) {
      console.error(`set ${name}`);
      process.exit(2);
    }
    return value;
  };
  runExample({
    url: env("AUTHGRAPH_URL", "http://127.0.0.1:4000/graphql"),
    email: env("AUTHGRAPH_EMAIL", "admin@authgraph.local"),
    password: env("AUTHGRAPH_PASSWORD"),
  }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
