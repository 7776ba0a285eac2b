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

/**
 * A schema that depends on the configuration, built once per configuration: zod compiles an object
 * schema on its first parse, so one built per call would pay that on every request.
 */
export function perConfig<S>(build: (config: Config) => S): (config: Config) => S {
  const built = new WeakMap<Config, S>();
  return (config) => {
    let schema = built.get(config);
    if (schema === undefined) {
      schema = build(config);
      built.set(config, schema);
    }
    return schema;
  };
}

/** A new password: the configured length bounds. */
export const passwordSchema = perConfig((config) =>
  z
    .string()
    .min(config.PASSWORD_MIN_LENGTH, `must be at least ${config.PASSWORD_MIN_LENGTH} characters`)
    .max(config.PASSWORD_MAX_LENGTH, `must be at most ${config.PASSWORD_MAX_LENGTH} characters`),
);

/** A password as typed to prove who one is: any length up to the maximum. */
export const enteredPasswordSchema = perConfig((config) => {
  const max = config.PASSWORD_MAX_LENGTH;
  return z.string().min(1, "is required").max(max, `must be at most ${max} characters`);
});
