// Production build: transpile src/ to dist/src/ with esbuild (type-checking is `npm run typecheck`).
// Takes well under a second, so `npm start` can always build first and never runs stale code.
import { build } from "esbuild";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) files.push(p);
  }
};
walk("src");
rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: files,
  outdir: "dist/src",
  outbase: "src",
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
});
