// The value parsers every configuration knob is built from: booleans, bounded integers, URLs of given
// schemes, browser origins and host:port lists, each failing with a message naming what was expected.
import { z } from "zod";

export const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { message: "expected true or false" })
  .transform((v) => ["true", "1", "yes", "on"].includes(v));
export const int = (min: number, max: number) =>
  z.coerce.number({ message: "expected a whole number" }).int("expected a whole number").min(min).max(max);
export const url = (protocols: string[]) =>
  z
    .string()
    .url("expected a URL")
    .refine((v) => protocols.some((p) => v.startsWith(`${p}:`)), `expected a ${protocols.join(" or ")} URL`);

/** An origin exactly as a browser sends it: scheme, host and optional port, nothing else. */
export function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value;
}

/** `host:port,host:port` (IPv6 as `[::1]:7000`). */
export const hostList = z.string().transform((value, ctx) =>
  value.split(",").map((item) => {
    const m = /^\s*(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})\s*$/.exec(item);
    if (!m || Number(m[3]) < 1 || Number(m[3]) > 65535) ctx.addIssue({ code: "custom", message: `expected host:port,host:port (got ${JSON.stringify(item.trim())})` });
    return { host: m?.[1] ?? m?.[2] ?? "", port: Number(m?.[3]) };
  }),
);
