import ivm from "isolated-vm";
import { NODE_COMPAT_MODULES, nodeCryptoCallback, nodeModuleSource } from "./node-modules.js";
import { CLOUDFLARE_WORKERS_MODULE_SOURCE } from "./runtime-source.js";
import type { WorkerModule, WorkerScript } from "./worker-script.js";

/** The only module every worker may import; the rest come from its bundle or nodejs_compat. */
export const CLOUDFLARE_WORKERS = "cloudflare:workers";

/** Why `specifier` cannot be imported by `script`, or undefined when it can. */
export function importProblem(specifier: string, script: WorkerScript): string | undefined {
  if (specifier === CLOUDFLARE_WORKERS) return undefined;
  if (script.modules.some((m) => m.name === specifier)) return undefined;
  if (NODE_COMPAT_MODULES.includes(specifier)) {
    return script.nodeCompat ? undefined : `cannot import "${specifier}": add compatibility_flags = ["nodejs_compat"] to wrangler.toml`;
  }
  const node = script.nodeCompat ? `, ${NODE_COMPAT_MODULES.join(", ")}` : "";
  return `cannot import "${specifier}"; only ${CLOUDFLARE_WORKERS}${node} and the bundle's own modules are available (bundle other modules into the script)`;
}

/**
 * Resolves the imports of a worker's module graph inside one isolate: `cloudflare:workers`,
 * the script's Text/Data/CompiledWasm modules and the nodejs_compat `node:*` modules. Each is
 * compiled once per isolate. Bytes enter the isolate as a copied ArrayBuffer on a global that
 * the module itself deletes when it is evaluated, which is before any tenant code runs
 * (a module's imports are evaluated before the module), and a WebAssembly module is compiled
 * from them inside the isolate.
 */
export class ModuleLinker {
  readonly #isolate: ivm.Isolate;
  readonly #context: ivm.Context;
  readonly #script: WorkerScript;
  readonly #modules = new Map<string, ivm.Module>();
  #handoffs = 0;

  constructor(isolate: ivm.Isolate, context: ivm.Context, script: WorkerScript) {
    this.#isolate = isolate;
    this.#context = context;
    this.#script = script;
  }

  /** The resolve callback for `Module.instantiateSync`. */
  readonly resolve = (specifier: string): ivm.Module => {
    let module = this.#modules.get(specifier);
    if (module === undefined) {
      module = this.#compile(specifier);
      this.#modules.set(specifier, module);
    }
    return module;
  };

  #compile(specifier: string): ivm.Module {
    const problem = importProblem(specifier, this.#script);
    if (problem !== undefined) throw new Error(problem);
    if (specifier === CLOUDFLARE_WORKERS) return this.#module(specifier, CLOUDFLARE_WORKERS_MODULE_SOURCE);
    const own = this.#script.modules.find((m) => m.name === specifier);
    if (own !== undefined) return this.#module(specifier, this.#ownModuleSource(own));
    if (specifier === "node:crypto") this.#context.global.setSync("__edgeKataNodeCrypto", nodeCryptoCallback());
    return this.#module(specifier, nodeModuleSource(specifier)!);
  }

  #ownModuleSource(module: WorkerModule): string {
    if (module.type === "text") return `export default ${JSON.stringify(new TextDecoder().decode(module.bytes))};`;
    const key = `__edgeKataModule${this.#handoffs++}`;
    const copy = module.bytes.slice().buffer;
    this.#context.global.setSync(key, new ivm.ExternalCopy(copy).copyInto({ release: true }));
    const take = `const bytes = globalThis[${JSON.stringify(key)}];\ndelete globalThis[${JSON.stringify(key)}];\n`;
    return module.type === "data" ? `${take}export default bytes;` : `${take}export default new WebAssembly.Module(bytes);`;
  }

  #module(specifier: string, source: string): ivm.Module {
    return this.#isolate.compileModuleSync(source, { filename: specifier.includes(":") ? specifier : `file:///${specifier.replace(/^\.\//, "")}` });
  }
}
