// Input validation for domain functions: zod schemas, failures become a typed ValidationError with
// field-level messages. Runs after authorization (the resolver calls it), so it reveals nothing early.
import { z } from "zod";
import type { Config } from "./config.js";
import { ValidationError } from "./errors.js";

export function parseInput<T extends z.ZodType>(schema: T, input: unknown, prefix = "input"): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      path: [prefix, ...issue.path.map(String)].join("."),
      message: issue.message,
    })),
  );
}

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "must be at most 254 characters")
  .email("must be a valid email address");

export const nameSchema = z.string().trim().max(200, "must be at most 200 characters");

/** A free-text search: short enough that a substring match stays cheap. */
export const searchSchema = z.string().trim().max(200, "must be at most 200 characters");

export function passwordSchema(config: Pick<Config, "PASSWORD_MIN_LENGTH" | "PASSWORD_MAX_LENGTH">) {
  return z
    .string()
    .min(config.PASSWORD_MIN_LENGTH, `must be at least ${config.PASSWORD_MIN_LENGTH} characters`)
    .max(config.PASSWORD_MAX_LENGTH, `must be at most ${config.PASSWORD_MAX_LENGTH} characters`);
}
