// Trusted documents: client/generated/persisted-documents.json (written by the codegen step from
// client/operations/, checked by schema:check) and PERSISTED_OPERATIONS: `off` runs any document and
// ignores ids; `allow` runs manifest ids and any document; `only` (production's default) runs manifest
// ids alone and refuses every other document with PERSISTED_QUERY_ONLY, before anything executes.
import { readFileSync } from "node:fs";
import { print } from "graphql";
import { describe, expect } from "vitest";
import { HealthDocument, ViewerDocument, createClient, persistedHash } from "../../client/index.js";
import { loadConfig } from "../../src/config.js";
import { MANIFEST_PATH, loadManifest, persistedOperationsMode } from "../../src/server/plugins/persisted-operations.js";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";

const test = instanceTest({ env: { PERSISTED_OPERATIONS: "off" } })
  .extend("allow", { scope: "file" }, async ({ t }) => t.sibling({ PERSISTED_OPERATIONS: "allow" }))
  .extend("only", { scope: "file" }, async ({ t }) => t.sibling({ PERSISTED_OPERATIONS: "only" }));

const manifest = JSON.parse(readFileSync(new URL(`../../${MANIFEST_PATH}`, import.meta.url), "utf8")) as Record<string, string>;
const healthHash = `sha256:${persistedHash(HealthDocument) ?? "missing"}`;

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function post(t: TestInstance, body: unknown): Promise<{ status: number; body: Body }> {
  const res = await t.yoga.fetch("http://authgraph.test/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Body };
}

const byId = (hash: string): unknown => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });

describe("the manifest", () => {
  test("holds every operation of client/operations, keyed by the sha256 embedded in its generated document", () => {
    expect(healthHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(manifest[healthHash]).toMatch(/^query Health \{/);
    const names = Object.values(manifest).map((d) => /^(?:fragment [\s\S]*?\} )*(?:query|mutation) (\w+)/.exec(d)?.[1]);
    expect(names).toEqual(expect.arrayContaining(["SignIn", "SignUp", "SignOut", "Viewer", "MySessions", "RevokeSession", "UsersPage", "AuditPage", "Health"]));
    expect(loadManifest().get(healthHash.slice("sha256:".length))).toBe(manifest[healthHash]);
  });

  test("production defaults to only, everything else to allow", () => {
    expect(persistedOperationsMode(loadConfig({ NODE_ENV: "production", MAIL_ENABLED: "false" }))).toBe("only");
    expect(persistedOperationsMode(loadConfig({ NODE_ENV: "development" }))).toBe("allow");
    expect(persistedOperationsMode(loadConfig({ NODE_ENV: "production", MAIL_ENABLED: "false", PERSISTED_OPERATIONS: "allow" }))).toBe("allow");
  });
});

describe("PERSISTED_OPERATIONS=only", () => {
  test("runs a manifest id, with or without the sha256: prefix", async ({ only }) => {
    for (const hash of [healthHash, healthHash.replace("sha256:", "")]) {
      const r = await post(only, byId(hash));
      expect(r.body.data?.health).toMatchObject({ status: "OK" });
    }
  });

  test("refuses any other document with PERSISTED_QUERY_ONLY (HTTP 403), before execution", async ({ only }) => {
    const r = await post(only, { query: "{ health { status } }" });
    expect(r.status).toBe(403);
    expect(r.body.errors?.map((e) => e.extensions?.code)).toEqual(["PERSISTED_QUERY_ONLY"]);
    expect(r.body).not.toHaveProperty("data");
    // Also the text of a manifest document sent without its id, and a made-up id with any text.
    expect((await post(only, { query: print(HealthDocument) })).body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_ONLY");
    expect((await post(only, { query: "{ health { status } }", ...(byId("f".repeat(64)) as object) })).body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_ONLY");
  });

  test("an unknown id is PERSISTED_QUERY_NOT_FOUND", async ({ only }) => {
    const r = await post(only, byId("0".repeat(64)));
    expect(r.body.errors?.map((e) => e.extensions?.code)).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
  });

  test("the generated client works unchanged: it sends each document's id with its text", async ({ only }) => {
    const client = createClient({ url: "http://authgraph.test/graphql", fetch: async (input, init) => await only.yoga.fetch(new Request(input, init)) });
    expect((await client.request(HealthDocument)).health.status).toBe("OK");
    expect((await client.request(ViewerDocument)).viewer).toBeNull();
  });
});

describe("PERSISTED_OPERATIONS=allow", () => {
  test("runs manifest ids and any document; an unknown id sent with its text runs the text", async ({ allow }) => {
    expect((await post(allow, byId(healthHash))).body.data?.health).toMatchObject({ status: "OK" });
    expect((await post(allow, { query: "{ health { status } }" })).body.data).toEqual({ health: { status: "OK" } });
    expect((await post(allow, { query: "{ __typename }", ...(byId("f".repeat(64)) as object) })).body.data).toEqual({ __typename: "Query" });
    expect((await post(allow, byId("0".repeat(64)))).body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
  });
});

describe("PERSISTED_OPERATIONS=off", () => {
  test("runs any document and knows no ids", async ({ t }) => {
    expect((await post(t, { query: "{ health { status } }" })).body.data).toEqual({ health: { status: "OK" } });
    expect((await post(t, byId(healthHash))).body.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
  });
});
