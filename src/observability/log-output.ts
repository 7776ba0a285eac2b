// Where log lines go by default (stdout), and their timestamp. Lines are buffered for up to
// WINDOW_MS and leave in one write(2): on a busy instance a write costs several times what formatting
// the line does, and every request writes its access line. Nothing waits longer than the window (or
// past MAX_PENDING bytes), and what is still buffered when the process exits is written then.
import { writeSync } from "node:fs";
import type { pino } from "pino";

/** How long a line may wait for others to share its write. */
export const WINDOW_MS = 10;
const MAX_PENDING = 1 << 20;

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

/** The process's one stdout destination: a write per window rather than per line (no fsync). */
export function bufferedStdout(): pino.DestinationStream {
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
      // Unref'd: a pending flush never keeps the process alive; exit writes what is left.
      if (!pending) setTimeout(flush, WINDOW_MS).unref();
      pending += line;
      if (pending.length > MAX_PENDING) flush();
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
