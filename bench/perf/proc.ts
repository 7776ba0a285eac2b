// CPU time of processes from /proc (Linux): the servers' Node CPU per request, and the CPU of the
// PostgreSQL backends serving the bench database.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import pg from "pg";

const TICK_MS = 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim() || "100");

/** utime + stime of `pid` in ms, or 0 once it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU of the backends connected to `database`, sampled by pid (a backend that exits mid-run loses its share). */
export class PostgresCpu {
  constructor(private readonly admin: pg.Client, private readonly database: string) {}

  async sample(): Promise<Map<number, number>> {
    const { rows } = await this.admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [this.database]);
    return new Map(rows.map((r) => [r.pid, cpuMs(r.pid)]));
  }

  static delta(before: Map<number, number>, after: Map<number, number>): number {
    let sum = 0;
    for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
    return sum;
  }
}
