// Where log lines go by default (stdout), and their timestamp. Lines written in one turn of the event
// loop leave in one write(2) once the turn's callbacks have run: under load a turn serves several
// requests, and a write costs more than formatting the line (each request writes its access line).
// No line waits longer than its turn; what is still buffered when the process exits is written then.
import { writeSync } from "node:fs";
import type { pino } from "pino";

let stdout: pino.DestinationStream | undefined;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `data` to `fd`, waiting out a full non-blocking pipe; dropped on any other error (stdout gone). */
function writeAll(fd: number, data: string): void {
  let rest = Buffer.from(data);
  for (let waits = 0; rest.length > 0 && waits < 1000; ) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") return;
      waits++;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/** The process's one stdout destination, written at the end of every turn that logged (no fsync). */
export function turnFlushedStdout(): pino.DestinationStream {
  if (stdout) return stdout;
  let pending = "";
  const flush = (): void => {
    const data = pending;
    pending = "";
    if (data) writeAll(1, data);
  };
  process.on("exit", flush);
  stdout = {
    write(line: string) {
      if (!pending) setImmediate(flush);
      pending += line;
    },
  };
  return stdout;
}

let lastMs = 0;
let lastTime = "";

/** pino's isoTime, formatted once per millisecond rather than once per line. */
export function isoTime(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}
