// Prisma's schema engine, compiled to WebAssembly (@prisma/schema-engine-wasm), loaded by hand.
// The native engine cannot be downloaded everywhere; the WASM build of the same engine version writes
// the same `_prisma_migrations` rows, so this and `prisma migrate deploy` are interchangeable.
// The package's own entry does `import * as wasm from "../schema_engine_bg.wasm"`, which Node 20 cannot
// import, so we instantiate the .wasm ourselves and hand it to the JS glue.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm/schema_engine_bg";

export type {
  DiffParams,
  MigrationDirectory,
  MigrationList,
  SchemaEngine,
  SchemaFilter,
} from "@prisma/schema-engine-wasm/schema_engine_bg";

/** The engine's own log lines (JSON strings); only useful when debugging the engine itself. */
export type EngineLog = (line: string) => void;

interface PanicRegistry {
  message: string;
  get(): string;
  set_message(message: string): void;
}

declare global {
  // The glue reports a Rust panic's message here just before the WASM traps; without it the panic
  // surfaces as "Cannot read properties of undefined" instead of the engine's message.
  var PRISMA_WASM_PANIC_REGISTRY: PanicRegistry | undefined;
}

function installPanicRegistry(): void {
  globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
    message: "",
    get() {
      return this.message;
    },
    set_message(message: string) {
      this.message = message;
    },
  };
}

/** The message of the last Rust panic, if one happened ("" otherwise). */
export function lastEnginePanic(): string {
  return globalThis.PRISMA_WASM_PANIC_REGISTRY?.get() ?? "";
}

/** The WASM engine itself could not be loaded (a broken install), as opposed to a database problem. */
export class SchemaEngineLoadError extends Error {
  override readonly name = "SchemaEngineLoadError";
}

let loading: Promise<void> | undefined;

// One WASM instance per process: the glue keeps it in a module-level variable, and engines created
// from it are independent of each other.
function loadWasm(): Promise<void> {
  loading ??= (async () => {
    installPanicRegistry();
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(join(dirname(gluePath), "schema_engine_bg.wasm"));
    const module = await WebAssembly.compile(bytes);
    // The .wasm imports everything from its glue, under the glue's relative file name.
    const imports = { "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports };
    const instance = await WebAssembly.instantiate(module, imports);
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  })().catch((err: unknown) => {
    loading = undefined;
    const reason = err instanceof Error ? err.message : String(err);
    throw new SchemaEngineLoadError(`Could not load Prisma's schema engine (@prisma/schema-engine-wasm): ${reason}`);
  });
  return loading;
}

/**
 * A new engine over `factory`. The caller must `free()` it and close the factory's pools: the engine
 * does neither (and leaves a ~10 s timer behind, so CLI scripts exit explicitly).
 */
export async function createSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  log?: EngineLog,
): Promise<SchemaEngine> {
  await loadWasm();
  const onLog = (line: string): void => log?.(line);
  return glue.SchemaEngine.new({ datamodels: undefined }, onLog, bindMigrationAwareSqlAdapterFactory(factory));
}

/** No external tables or enums: the project's migrations own the whole schema. */
export const NO_FILTERS: SchemaFilter = Object.freeze({ externalTables: [], externalEnums: [] });
