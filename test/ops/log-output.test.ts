// Default log output: lines are held for a short window and leave together in one write; none is
// written as it is logged, none waits for more than the window, and a process that exits holding
// lines still writes them. Each case runs in a child whose stdout is a file the test reads; the child
// counts its own write(2) calls on stdout.
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "authgraph-log-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MODULE = new URL("../../src/observability/log-output.ts", import.meta.url).pathname;

/** Runs `body` in a child with bufferedStdout() as `out`; returns its stdout file and what it reported. */
function run(name: string, body: string): { stdout: string; report: Record<string, unknown> } {
  const file = join(dir, `${name}.log`);
  const script = `import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
const writes = [];
const original = fs.writeSync;
fs.writeSync = (fd, ...rest) => { if (fd === 1) writes.push(String(rest[0]).length); return original(fd, ...rest); };
syncBuiltinESMExports();
const { bufferedStdout, WINDOW_MS } = await import(${JSON.stringify(MODULE)});
const out = bufferedStdout();
const size = () => fs.statSync(${JSON.stringify(file)}).size;
const report = (r) => console.error(JSON.stringify(r));
const written = async (bytes) => { const until = Date.now() + 5000; while (size() < bytes && Date.now() < until) await new Promise((r) => setTimeout(r, 1)); };
${body}`;
  // stdout is the file itself, as when a supervisor redirects it
  const fd = openSync(file, "w");
  try {
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", fd, "pipe"], encoding: "utf8" });
    const last = child.stderr.trim().split("\n").at(-1) ?? "{}";
    return { stdout: readFileSync(file, "utf8"), report: JSON.parse(last.startsWith("{") ? last : "{}") as Record<string, unknown> };
  } finally {
    closeSync(fd);
  }
}

describe("default log output", () => {
  it("writes nothing as lines are logged, then the window's lines in one write", () => {
    const { stdout, report } = run(
      "window",
      `out.write("a\\n");
await new Promise((r) => setImmediate(r));
out.write("b\\n");
out.write("c\\n");
const during = size();
await written(6);
report({ during, writes: writes.length, window: WINDOW_MS });`,
    );
    expect(report).toEqual({ during: 0, writes: 1, window: 10 });
    expect(stdout).toBe("a\nb\nc\n");
  });

  it("starts a new window once the last one was written", () => {
    const { stdout, report } = run(
      "next",
      `out.write("first\\n");
await written(6);
out.write("second\\n");
await written(13);
report({ writes: writes.length });`,
    );
    expect(report).toEqual({ writes: 2 });
    expect(stdout).toBe("first\nsecond\n");
  });

  it("writes what it holds when the process exits before the window ends", () => {
    const { stdout } = run("exit", `out.write("last words\\n"); process.exit(3);`);
    expect(stdout).toBe("last words\n");
  });
});
