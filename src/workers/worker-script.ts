/**
 * What a deployed worker runs: one ES module (usually a bundle) and the modules it may import
 * by name. Module types follow wrangler's module rules (`Text`, `Data`, `CompiledWasm`):
 * `import wasm from "./x.wasm"` gives a `WebAssembly.Module` compiled inside the isolate,
 * `import text from "./x.txt"` a string, `import data from "./x.bin"` an ArrayBuffer.
 */
export type ModuleType = "text" | "data" | "compiled-wasm";

export interface WorkerModule {
  /** The specifier the main module imports it by, e.g. "./3f2a…-add.wasm". */
  name: string;
  type: ModuleType;
  bytes: Uint8Array;
}

export interface WorkerScript {
  /** The ES module the isolate evaluates. */
  main: string;
  /** Modules `main` imports by name. */
  modules: readonly WorkerModule[];
  /** `nodejs_compat`: `main` may import the `node:*` modules this runtime provides. */
  nodeCompat: boolean;
  /** The name the isolate compiles `main` under (`file:///<filename>`). @defaultValue "<worker name>.js" */
  filename?: string;
  /**
   * Rewrites positions in `main` (`file:///<filename>:line:column`) found in a stack trace or
   * message to the source positions they came from (source maps). Identity when absent.
   */
  remapStack?: (text: string) => string;
}

/** A plain module worker written by hand: no modules, no source map. */
export function scriptFromSource(source: string): WorkerScript {
  return { main: source, modules: [], nodeCompat: false };
}
