// Unique-constraint violations as the expected CONFLICT error, for writes whose duplicate is the
// client's mistake (a taken email, a role key, a registered passkey).
import { ConflictError } from "../errors.js";

/** Prisma's code for a unique-constraint violation. */
const UNIQUE_VIOLATION = "P2002";

/**
 * Runs `work`; a unique-constraint violation becomes ConflictError(message), after `onConflict`
 * (e.g. counting the attempt). Anything else passes through.
 */
export async function conflictOnDuplicate<T>(work: () => Promise<T>, message: string, onConflict?: () => Promise<void>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
    if (code !== UNIQUE_VIOLATION) throw error;
    await onConflict?.();
    throw new ConflictError(message);
  }
}
