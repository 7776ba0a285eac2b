// Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof DIR`): self time by package (or our
// source folder) and by function, plus inclusive time per package (any frame of it on the stack).
// Samples before --skip-ms (process start, warm-up) and after --until-ms are left out.
//
//   npx tsx bench/perf/profile-summary.ts FILE.cpuprofile [--skip-ms 8000] [--until-ms 20000] [--top 30]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { "skip-ms": { type: "string", default: "0" }, "until-ms": { type: "string" }, top: { type: "string", default: "30" } } });
const file = positionals[0];
if (!file) throw new Error("usage: profile-summary.ts FILE.cpuprofile [--skip-ms N] [--top N]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const skipUs = Number(values["skip-ms"]) * 1000;
const untilUs = values["until-ms"] ? Number(values["until-ms"]) * 1000 : Number.POSITIVE_INFINITY;
const top = Number(values.top);

function packageOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0 && !url.includes("authgraph-test-server")) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const src = url.indexOf("/src/");
  if (src >= 0) return `src/${url.slice(src + 5).split("/").slice(0, -1).join("/") || "."}`;
  if (url.startsWith("node:")) return "node:internal";
  return url;
}

function fnName(frame: CallFrame): string {
  return `${frame.functionName || "(anonymous)"} ${frame.url.replace(/.*node_modules\//, "").replace(/.*authgraph-test-server\/[^/]+\//, "")}:${frame.lineNumber + 1}`;
}

const byId = new Map<number, ProfileNode>();
const parent = new Map<number, number>();
for (const n of profile.nodes) {
  byId.set(n.id, n);
  for (const c of n.children ?? []) parent.set(c, n.id);
}

const self = new Map<string, number>();
const selfFn = new Map<string, number>();
const inclusive = new Map<string, number>();
const inclusiveFn = new Map<string, number>();
let total = 0;
let t = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  t += dt;
  if (t < skipUs || t > untilUs) continue;
  const node = byId.get(profile.samples[i] ?? -1);
  if (!node) continue;
  if (node.callFrame.functionName === "(idle)") continue;
  total += dt;
  const pkg = packageOf(node.callFrame);
  self.set(pkg, (self.get(pkg) ?? 0) + dt);
  const fn = fnName(node.callFrame);
  selfFn.set(fn, (selfFn.get(fn) ?? 0) + dt);
  const seen = new Set<string>();
  const seenFn = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const frame = byId.get(id)?.callFrame ?? { functionName: "", url: "", lineNumber: 0 };
    const p = packageOf(frame);
    if (!seen.has(p)) {
      seen.add(p);
      inclusive.set(p, (inclusive.get(p) ?? 0) + dt);
    }
    const f = fnName(frame);
    if (!seenFn.has(f)) {
      seenFn.add(f);
      inclusiveFn.set(f, (inclusiveFn.get(f) ?? 0) + dt);
    }
  }
}

const pct = (v: number) => `${((100 * v) / total).toFixed(1).padStart(5)} %`;
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms of non-idle samples after ${values["skip-ms"]} ms`);
print("self time by package", self);
print("inclusive time by package", inclusive);
print("self time by function", selfFn);
// Our own functions (and the plugin hooks they register) with everything they call.
print("inclusive time by function of src/", new Map([...inclusiveFn].filter(([k]) => /(^| )(src|authgraph-test-server)\//.test(k) || k.includes("/src/"))));
