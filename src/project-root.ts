// The project folder (where package.json says "authgraph"), found by walking up from this file: it is
// src/ under tsx, dist/src/ when built, and a build cache folder in tests.
import { readFileSync } from "node:fs";

export const PROJECT_ROOT: URL | null = (() => {
  for (let dir = new URL(".", import.meta.url); dir.pathname !== "/"; dir = new URL("..", dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as { name?: string };
      if (pkg.name === "authgraph") return dir;
    } catch {
      // not here; keep walking up
    }
  }
  return null;
})();

/** A file of the project, e.g. `projectFile("client/account/index.html")`. */
export function projectFile(path: string): URL {
  if (!PROJECT_ROOT) throw new Error("the authgraph project folder (package.json) was not found above the sources");
  return new URL(path, PROJECT_ROOT);
}
