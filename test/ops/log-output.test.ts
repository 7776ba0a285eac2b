// Default log output: lines written in one turn of the event loop are held until the turn's callbacks
// have run, then leave together; no line waits past its turn, and a process that exits mid-turn still
// writes what it logged. Each case runs in a child whose stdout is a file the test reads.
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "authgraph-log-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MODULE = new URL("../../src/observability/log-output.ts", import.meta.url).pathname;

/** Runs `body` in a child with turnFlushedStdout() as `out`; returns its stdout file and stderr. */
function run(name: string, body: string): { stdout: string; stderr: string } {
  const file = join(dir, `${name}.log`);
  const script = `import { statSync } from "node:fs";
import { turnFlushedStdout } from ${JSON.stringify(MODULE)};
const out = turnFlushedStdout();
const size = () => statSync(${JSON.stringify(file)}).size;
${body}`;
  // stdout is the file itself, as when a supervisor redirects it
  const fd = openSync(file, "w");
  try {
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", fd, "pipe"], encoding: "utf8" });
    return { stdout: readFileSync(file, "utf8"), stderr: child.stderr };
  } finally {
    closeSync(fd);
  }
}

describe("default log output", () => {
  it("holds the lines of one turn and writes them once the turn is over, before the next one runs", () => {
    const { stdout, stderr } = run(
      "turn",
      `out.write("a\\n"); out.write("b\\n"); out.write("c\\n");
const during = size();
setImmediate(() => setImmediate(() => console.error(JSON.stringify({ during, after: size() }))));`,
    );
    expect(JSON.parse(stderr.trim())).toEqual({ during: 0, after: 6 });
    expect(stdout).toBe("a\nb\nc\n");
  });

  it("writes what was logged when the process exits in the middle of a turn", () => {
    const { stdout } = run("exit", `out.write("last words\\n"); process.exit(3);`);
    expect(stdout).toBe("last words\n");
  });
});
