// The typed client in client/generated/, generated in memory with codegen.ts: written by
// `npm run schema`, compared by `npm run schema:check` (stale when any file differs, is missing or is
// left over). Codegen reads schema.graphql from disk, so run this after the schema file is current.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "@graphql-codegen/cli";
import config, { CLIENT_OUTPUT_DIR } from "../codegen.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

async function render(): Promise<Map<string, string>> {
  // Declared as `FileOutput[] | any`; without saving, it is the list of outputs.
  const outputs = (await generate({ ...config, cwd: ROOT, silent: true }, false)) as { filename: string; content: string }[];
  return new Map(outputs.map((o) => [resolve(ROOT, o.filename), o.content]));
}

function existing(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/** Paths (relative to the project) that differ from a fresh generation; empty when up to date. */
export async function staleClientFiles(): Promise<string[]> {
  const expected = await render();
  const stale = new Set<string>();
  for (const [file, content] of expected) {
    let current: string | null = null;
    try {
      current = readFileSync(file, "utf8");
    } catch {
      // missing counts as stale
    }
    if (current !== content) stale.add(file);
  }
  for (const file of existing(join(ROOT, CLIENT_OUTPUT_DIR))) if (!expected.has(file)) stale.add(file);
  return [...stale].map((f) => relative(ROOT, f)).sort();
}

/** Regenerates client/generated/ (removing files codegen no longer produces); returns what it wrote. */
export async function writeClient(): Promise<string[]> {
  const expected = await render();
  for (const file of existing(join(ROOT, CLIENT_OUTPUT_DIR))) if (!expected.has(file)) rmSync(file);
  for (const [file, content] of expected) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return [...expected.keys()].map((f) => relative(ROOT, f)).sort();
}
