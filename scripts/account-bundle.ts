// The account page's script: client/account/account.ts and the generated client it imports, bundled
// and minified by esbuild into client/account/account.js (committed, so the gateway serves it without
// a build step). `npm run schema` and `npm run codegen:account` write it; `npm run schema:check`
// fails when it is stale. Run it after client/generated is current.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const ACCOUNT_BUNDLE = "client/account/account.js";

export async function bundleAccountScript(): Promise<string> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ["client/account/account.ts"],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    legalComments: "none",
    logLevel: "warning",
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error("esbuild produced no output for the account page");
  return output.text;
}

/** True when the committed bundle is what the sources build to. */
export async function accountBundleIsCurrent(): Promise<boolean> {
  let current = "";
  try {
    current = readFileSync(new URL(ACCOUNT_BUNDLE, `file://${ROOT}`), "utf8");
  } catch {
    return false;
  }
  return current === (await bundleAccountScript());
}

export async function writeAccountBundle(): Promise<string> {
  writeFileSync(new URL(ACCOUNT_BUNDLE, `file://${ROOT}`), await bundleAccountScript());
  return ACCOUNT_BUNDLE;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`wrote ${await writeAccountBundle()}`);
}
