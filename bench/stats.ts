// Small summaries shared by the bench scripts.

export interface Summary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

/** Median, p95, min and max of `samples` (ms), rounded to 0.1. */
export function summarise(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  const r = (n: number): number => Math.round(n * 10) / 10;
  return { n: s.length, median: r(at(0.5)), p95: r(at(0.95)), min: r(s[0] ?? 0), max: r(s.at(-1) ?? 0) };
}

/** Runs `fn` `n` times in sequence and returns the duration of each run (ms); `before` runs untimed. */
export async function timeEach(n: number, fn: (i: number) => Promise<unknown>, before?: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    await before?.();
    const started = performance.now();
    await fn(i);
    out.push(performance.now() - started);
  }
  return out;
}
