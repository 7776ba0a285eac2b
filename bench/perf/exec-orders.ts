// exec-ab across load orders: the tree a process loads second runs slower even with identical code,
// so each order runs in its own child (`--order given --json`) and the two are combined here.
import { execFileSync } from "node:child_process";

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

interface ChildCase {
  id: string;
  label: string;
  roots: string[];
  results: number[][];
}

/** Runs the roots in the given order and reversed, one child each, and prints both orders combined. */
export function bothOrders(given: string[]): void {
  // Everything but --roots and --order (either as `--x value` or `--x=value`) passes through to the children.
  const ours = (a: string | undefined) => a === "--roots" || a === "--order";
  const rest = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--roots") && !a.startsWith("--order") && !ours(all[i - 1]));
  const run = (order: string[]): ChildCase[] =>
    execFileSync(process.execPath, [...process.execArgv, process.argv[1] ?? "", "--roots", order.join(","), "--order", "given", "--json", ...rest], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as ChildCase);
  const runs = [run(given), run([...given].reverse())];
  const geomean = (xs: number[]): number => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
  for (const first of runs[0] ?? []) {
    const cases = runs.map((r) => r.find((c) => c.id === first.id)).filter((c): c is ChildCase => c !== undefined);
    const blocksOf = (root: string) => cases.flatMap((c) => c.results[c.roots.indexOf(root)] ?? []);
    const base = median(blocksOf(given[0] ?? ""));
    const line = given.map((root, i) => {
      const m = median(blocksOf(root));
      // Paired within each order (block against the baseline's block beside it), then the two orders' geometric mean.
      const paired = geomean(cases.map((c) => {
        const own = c.results[c.roots.indexOf(root)] ?? [];
        const ref = c.results[c.roots.indexOf(given[0] ?? "")] ?? [];
        return median(own.map((x, b) => x / (ref[b] ?? x)));
      }));
      return `${root.split("/").pop()} ${(m * 1000).toFixed(0)} µs${i > 0 ? ` (${(((m - base) / base) * 100).toFixed(1)} %; paired ${((paired - 1) * 100).toFixed(1)} %)` : ""}`;
    });
    console.log(`${first.id.padEnd(4)} ${first.label.padEnd(40)} ${line.join("   ")}   [both load orders]`);
  }
}
