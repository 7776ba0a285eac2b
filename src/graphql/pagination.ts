// Connection arguments, decided once: page sizes above GRAPHQL_MAX_PAGE_SIZE, negative sizes and
// malformed cursors are typed errors (never a silent clamp, never junk handed to Postgres). Keyset
// connections go through plugin-relay's resolveCursorConnection.
import { parseCursorConnectionArgs } from "@pothos/core";
import { parsePrismaCursor } from "@pothos/plugin-prisma";
import { resolveCursorConnection } from "@pothos/plugin-relay";
import { InvalidCursorError, PageSizeError, ValidationError } from "../errors.js";
import type { Context } from "../server/context.js";
import { isUuid } from "./global-id.js";

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;

/** Connection arguments above the configured maximum are a typed error, not a silent clamp. */
export function assertPageArgs(args: PageArgs, max: number): void {
  if (args.first != null && args.last != null) throw new ValidationError([{ path: "last", message: "Pass either first or last, not both." }]);
  for (const n of [args.first, args.last]) {
    if (n != null && (n < 0 || n > max)) throw new PageSizeError(max);
  }
}

/**
 * The `maxSize` of every plugin-prisma connection with a UUID cursor. plugin-prisma calls it with the
 * raw arguments BEFORE it parses the cursor, which makes it the one hook where both an oversized page
 * and a malformed cursor become typed errors.
 */
export function uuidConnectionPolicy(args: PageArgs, ctx: Context): number {
  const max = ctx.app.config.GRAPHQL_MAX_PAGE_SIZE;
  assertPageArgs(args, max);
  for (const cursor of [args.after, args.before]) {
    if (cursor == null) continue;
    let value: unknown;
    try {
      value = parsePrismaCursor(cursor);
    } catch {
      throw new InvalidCursorError();
    }
    if (!isUuid(value)) throw new InvalidCursorError();
  }
  return max;
}

/** What a keyset query needs: cursors already decoded, the row limit (page + 1), and the direction. */
export interface KeysetWindow<C> {
  after: C | null;
  before: C | null;
  limit: number;
  /** Paging backwards (`last`): fetch nearest-to-`before` first; the connection reverses them. */
  inverted: boolean;
}

export function keysetWindow<C>(args: PageArgs, ctx: Context, parseCursor: (cursor: string) => C): KeysetWindow<C> {
  const max = ctx.app.config.GRAPHQL_MAX_PAGE_SIZE;
  assertPageArgs(args, max);
  const { after, before, limit, inverted } = parseCursorConnectionArgs({ args, defaultSize: DEFAULT_PAGE_SIZE, maxSize: max });
  return { after: after ? parseCursor(after) : null, before: before ? parseCursor(before) : null, limit, inverted };
}

/** A connection over `load(window)`, whose rows come nearest-first in the requested direction. */
export function keysetConnection<T, C>(
  args: PageArgs,
  ctx: Context,
  cursors: { parse: (cursor: string) => C; of: (node: T) => string },
  load: (window: KeysetWindow<C>) => Promise<T[]> | T[],
) {
  const window = keysetWindow(args, ctx, cursors.parse);
  const max = ctx.app.config.GRAPHQL_MAX_PAGE_SIZE;
  return resolveCursorConnection({ args, toCursor: cursors.of, defaultSize: DEFAULT_PAGE_SIZE, maxSize: max }, () => load(window));
}
