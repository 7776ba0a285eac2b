// GraphiQL in a real headless Chromium (Debian's, driven by playwright-core): it opens on the default
// query; type a query, run it,
// read the result pane, keep a screenshot, and prove the page loaded nothing from outside 127.0.0.1.
// A missing browser is a failure with instructions, never a skip: CI installs it (.ci/run).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../helpers/server.js";
import type { TestServer } from "../helpers/server.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const OUTPUT_DIR = fileURLToPath(new URL("../../test-results/graphiql-browser/", import.meta.url));
// What Debian's chromium needs to run headless here, and no phoning home.
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

let server: TestServer | undefined;
let context: BrowserContext | undefined;
let profile: string | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return; // reported by the test itself, with the fix
  server = await startServer();
  profile = mkdtempSync(join(tmpdir(), "authgraph-chromium-"));
  // A fresh profile directory per run (playwright passes it as --user-data-dir).
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 }, timeout: 30_000 });
}, 90_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe("GraphiQL in Chromium", () => {
  it("runs { health { status } } typed into the editor and shows OK, loading nothing from outside 127.0.0.1", async () => {
    expect(
      existsSync(CHROMIUM),
      `Chromium not found at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` (.ci/run does), or set CHROMIUM_PATH.`,
    ).toBe(true);
    if (!context || !server) throw new Error("browser or server did not start");
    const origin = new URL(server.url).origin;

    // Every request of the page and of its workers (Monaco runs in web workers).
    const requested: string[] = [];
    context.on("request", (r) => requested.push(r.url()));
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));

    await page.goto(`${origin}/graphql`, { waitUntil: "load" });
    const editor = page.locator(".graphiql-query-editor .monaco-editor").first();
    await editor.waitFor({ state: "visible", timeout: 20_000 });

    // It opens on the configured default query, not on GraphiQL's welcome comment.
    const lines = page.locator(".graphiql-query-editor .view-lines").first();
    await expect.poll(async () => (await lines.innerText()).replace(/\s+/g, ""), { timeout: 20_000 }).toBe("{health{status}}");

    // Replace whatever the editor holds with our query, typed key by key.
    await editor.click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("Delete");
    await page.keyboard.type("{ health { status } }");
    // Monaco auto-closes brackets (and types over its own closers); check what the editor really holds.
    const typed = await page.locator(".graphiql-query-editor .view-lines").first().innerText();
    expect(typed.replace(/\s+/g, "")).toBe("{health{status}}");

    await page.locator(".graphiql-execute-button").click();
    const response = page.locator(".graphiql-response .view-lines").first();
    await expect.poll(async () => (await response.innerText()).replace(/\s+/g, " "), { timeout: 20_000 }).toContain('"status": "OK"');

    // Kept for a human to look at (test-results/ is an artefact of the CI run).
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, "graphiql-health.png"), fullPage: true });

    // Same-origin only: no CDN, no fonts, no telemetry (data: and blob: URLs never leave the process).
    const network = requested.filter((u) => !u.startsWith("data:") && !u.startsWith("blob:"));
    expect(network.length).toBeGreaterThan(3);
    const external = network.filter((u) => new URL(u).hostname !== "127.0.0.1");
    expect(external, `requests that left 127.0.0.1:\n${external.join("\n")}`).toEqual([]);
    expect(network.some((u) => u.includes("/graphiql-assets/"))).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
