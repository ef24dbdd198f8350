/**
 * The host half of HTMLRewriter (runtime/lazy/html-rewriter.js): Cloudflare's own streaming
 * rewriter, lol-html, as the `html-rewriter-wasm` package builds it (WebAssembly, with Binaryen's
 * Asyncify so that a handler may return a promise). The engine runs here; the handlers are the
 * worker's and run in its isolate, so their CPU time counts toward its limit.
 *
 * The isolate drives: it writes a chunk (`write`), and the host runs lol-html until it needs a
 * handler, then returns that event (a plain copy: tag name, attributes, text...) with the output
 * so far. The isolate runs its handler, and sends back what the handler did, as a list of
 * operations (`resume`); the host applies them to the live lol-html object (valid only while its
 * handler is suspended) and goes on. So each event costs one round trip, and the first bytes go
 * out before the whole page is read.
 *
 * Asyncify suspends an engine's whole stack, which lives in the instance's linear memory: two
 * transforms suspended in one instance would corrupt each other. So each transform has an
 * instance of its own (one compile per process, then an instance per engine from a pool), and an
 * engine goes back to the pool only after a clean end; one that failed or was abandoned mid-way
 * is dropped.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type * as Lol from "html-rewriter-wasm";
import { concatBytes } from "../core/bytes.js";
import { HTML_ENGINES_MAX, HTML_REWRITERS_PER_ISOLATE_MAX } from "./limits.js";

type Engine = typeof Lol;

/** What a transform listens for: element handlers by selector, and document handlers, in the order registered. */
export interface RewriterSpec {
  elements: Array<{ selector: string; element: boolean; comments: boolean; text: boolean }>;
  documents: Array<{ doctype: boolean; comments: boolean; text: boolean; end: boolean }>;
}

/** One handler call for the isolate. `handler` indexes `spec.elements`, or is -1 - i for `spec.documents[i]`. */
export type RewriterEvent =
  | { kind: "element"; handler: number; tagName: string; attributes: Array<[string, string]>; namespaceURI: string }
  | { kind: "endTag"; key: number; name: string }
  | { kind: "text"; handler: number; text: string; lastInTextNode: boolean }
  | { kind: "comments"; handler: number; text: string }
  | { kind: "doctype"; handler: number; name: string | null; publicId: string | null; systemId: string | null }
  | { kind: "end"; handler: number };

export interface RewriterStep {
  /** Output produced since the last step. */
  out: ArrayBuffer | null;
  /** A handler to run before the next `resume`, or null when the write (or end) is complete. */
  event: RewriterEvent | null;
}

// Which operations each kind of event's object accepts, and the types of their arguments
// ("s" string, "b" boolean `html` option, "n" a handler key).
const OPERATIONS: Record<string, Record<string, string>> = {
  element: { setAttribute: "ss", removeAttribute: "s", before: "sb", after: "sb", prepend: "sb", append: "sb", replace: "sb", setInnerContent: "sb", remove: "", removeAndKeepContent: "", tagName: "s", onEndTag: "n" },
  endTag: { before: "sb", after: "sb", remove: "", name: "s" },
  text: { before: "sb", after: "sb", replace: "sb", remove: "" },
  comments: { before: "sb", after: "sb", replace: "sb", remove: "", text: "s" },
  doctype: {},
  end: { append: "sb" },
};

let wasmModule: WebAssembly.Module | null = null;
let library: { dir: string; glue: string; asyncify: string } | null = null;
let checker: Engine | null = null;
let enginesAlive = 0;
const idleEngines: Engine[] = [];

function loadLibrary(): { dir: string; glue: string; asyncify: string } {
  if (library === null) {
    const main = createRequire(import.meta.url).resolve("html-rewriter-wasm");
    const dir = dirname(main);
    library = { dir, glue: readFileSync(main, "utf8"), asyncify: readFileSync(join(dir, "asyncify.js"), "utf8") };
  }
  return library;
}

let preparing: Promise<void> | null = null;

/**
 * Compiles lol-html in the background (V8 compiles WebAssembly off the main thread) and makes
 * the selector checker, for a worker whose code names HTMLRewriter. Without it the first
 * `on()` in the process compiles synchronously inside the worker's turn, which is charged to
 * its CPU time (tens of milliseconds; much more on a loaded host).
 */
export function prepareHtmlRewriter(): Promise<void> {
  preparing ??= (async () => {
    const { dir } = loadLibrary();
    const compiled = await WebAssembly.compile(readFileSync(join(dir, "html_rewriter_bg.wasm")));
    wasmModule ??= compiled;
    // A later turn: instantiating is synchronous work of its own.
    await new Promise((resolve) => setImmediate(resolve));
    checker ??= newEngine();
    // And one engine ready for the first transform.
    if (enginesAlive === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      idleEngines.push(newEngine());
      enginesAlive++;
    }
  })().catch(() => {
    // The first use compiles synchronously instead, and reports what went wrong there.
    preparing = null;
  });
  return preparing;
}

/** A fresh instance of the package's module (its own wasm instance and Asyncify state); the wasm is compiled once. */
function newEngine(): Engine {
  const require = createRequire(import.meta.url);
  const { dir, glue, asyncify } = loadLibrary();
  wasmModule ??= new WebAssembly.Module(readFileSync(join(dir, "html_rewriter_bg.wasm")));
  const compiled = wasmModule;
  // The package's CommonJS files, evaluated once per engine: its `new WebAssembly.Module(bytes)`
  // gets the module compiled above, and it never reads the file itself.
  const webAssembly = { Module: function CompiledOnce() { return compiled; }, Instance: WebAssembly.Instance };
  const load = (source: string, requireIn: (name: string) => unknown): unknown => {
    const module = { exports: {} };
    new Function("module", "exports", "require", "__dirname", "WebAssembly", source)(module, module.exports, requireIn, dir, webAssembly);
    return module.exports;
  };
  const asyncifyExports = load(asyncify, require);
  return load(glue, (name) => (name.endsWith("asyncify.js") ? asyncifyExports : name === "fs" ? { readFileSync: () => null } : require(name))) as Engine;
}

function takeEngine(): Engine {
  const idle = idleEngines.pop();
  if (idle !== undefined) return idle;
  if (enginesAlive >= HTML_ENGINES_MAX) throw new TypeError(`HTMLRewriter: ${enginesAlive} transforms are running in this process; the limit is ${HTML_ENGINES_MAX}`);
  const engine = newEngine();
  enginesAlive++;
  return engine;
}

/** Throws lol-html's TypeError for a selector it cannot parse (`on()` checks its selector at once, as workerd's does). */
export function checkSelector(selector: unknown): void {
  if (typeof selector !== "string") throw new TypeError("HTMLRewriter: a selector must be a string");
  // Sync calls into an engine that is never suspended: it has one of its own. A rewriter per
  // check, freed at once, so that checked selectors do not pile up in one.
  checker ??= newEngine();
  const rewriter = new checker.HTMLRewriter(() => {});
  try {
    rewriter.on(selector, {});
  } finally {
    rewriter.free();
  }
}

class HostRewriter {
  readonly #engine: Engine;
  readonly #rewriter: Lol.HTMLRewriter;
  readonly #out: Uint8Array[] = [];
  #work: Promise<void> | null = null;
  /** Set while the isolate waits for a step: hands it the next event. */
  #deliver: ((event: RewriterEvent) => void) | null = null;
  /** Set while a handler waits for the isolate: takes the operations it did. */
  #reply: ((ops: unknown) => void) | null = null;
  #endTagKeys = new Set<number>();
  #clean = false;

  constructor(spec: RewriterSpec) {
    this.#engine = takeEngine();
    this.#rewriter = new this.#engine.HTMLRewriter((chunk) => this.#out.push(chunk.slice()));
    try {
      spec.elements.forEach((e, handler) => {
        const handlers: Lol.ElementHandlers = {};
        if (e.element) handlers.element = (el) => this.#element(el, handler);
        if (e.comments) handlers.comments = (c) => this.#event({ kind: "comments", handler, text: c.text }, "comments", c);
        if (e.text) handlers.text = (t) => this.#event({ kind: "text", handler, text: t.text, lastInTextNode: t.lastInTextNode }, "text", t);
        this.#rewriter.on(e.selector, handlers);
      });
      spec.documents.forEach((d, i) => {
        const handler = -1 - i;
        const handlers: Lol.DocumentHandlers = {};
        if (d.doctype) handlers.doctype = (t) => this.#event({ kind: "doctype", handler, name: t.name, publicId: t.publicId, systemId: t.systemId }, "doctype", t);
        if (d.comments) handlers.comments = (c) => this.#event({ kind: "comments", handler, text: c.text }, "comments", c);
        if (d.text) handlers.text = (t) => this.#event({ kind: "text", handler, text: t.text, lastInTextNode: t.lastInTextNode }, "text", t);
        if (d.end) handlers.end = (end) => this.#event({ kind: "end", handler }, "end", end);
        this.#rewriter.onDocument(handlers);
      });
    } catch (e) {
      // Nothing was suspended: the engine is still sound.
      this.#rewriter.free();
      idleEngines.push(this.#engine);
      throw e;
    }
  }

  write(bytes: unknown): Promise<RewriterStep> {
    if (!(bytes instanceof ArrayBuffer)) throw new TypeError("HTMLRewriter: a chunk must be bytes");
    return this.#start(() => this.#rewriter.write(new Uint8Array(bytes)));
  }

  end(): Promise<RewriterStep> {
    return this.#start(async () => {
      await this.#rewriter.end();
      this.#clean = true;
    });
  }

  resume(ops: unknown): Promise<RewriterStep> {
    const reply = this.#reply;
    if (reply === null) throw new TypeError("HTMLRewriter: no handler is waiting");
    this.#reply = null;
    return this.#next(() => reply(ops));
  }

  /** Frees the rewriter; its engine is reused only after a clean end. */
  release(): void {
    if (this.#clean) {
      this.#rewriter.free();
      idleEngines.push(this.#engine);
    } else {
      // Suspended or failed mid-way: its linear memory may hold a half-unwound stack.
      enginesAlive--;
    }
    this.#reply = null;
    this.#deliver = null;
  }

  #start(work: () => Promise<void>): Promise<RewriterStep> {
    if (this.#work !== null || this.#reply !== null) throw new TypeError("HTMLRewriter: a write is already in progress");
    return this.#next(() => {
      this.#work = work();
    });
  }

  /**
   * The next step: the next handler event, or the end of the current write. `go` starts (or
   * resumes) the engine; it runs after the event's receiver is in place, since lol-html may call
   * a handler before `write` even returns.
   */
  #next(go: () => void): Promise<RewriterStep> {
    return new Promise<RewriterStep>((resolve, reject) => {
      let settled = false;
      this.#deliver = (event: RewriterEvent): void => {
        if (settled) return;
        settled = true;
        this.#deliver = null;
        resolve({ out: this.#drain(), event });
      };
      go();
      this.#work!.then(
        () => {
          if (settled) return;
          settled = true;
          this.#deliver = null;
          this.#work = null;
          resolve({ out: this.#drain(), event: null });
        },
        (e: unknown) => {
          if (settled) return;
          settled = true;
          this.#deliver = null;
          this.#work = null;
          reject(e instanceof Error ? e : new TypeError(String(e)));
        },
      );
    });
  }

  #drain(): ArrayBuffer | null {
    if (this.#out.length === 0) return null;
    return concatBytes(this.#out.splice(0)).buffer as ArrayBuffer;
  }

  /** Hands `event` to the isolate and applies the operations its handler did to `target`. */
  async #event(event: RewriterEvent, kind: string, target: object): Promise<void> {
    const ops = await new Promise<unknown>((resolve) => {
      this.#reply = resolve;
      const deliver = this.#deliver;
      if (deliver === null) throw new TypeError("HTMLRewriter: a handler ran with no step waiting");
      deliver(event);
    });
    this.#apply(kind, target, ops);
  }

  #element(el: Lol.Element, handler: number): Promise<void> {
    const attributes = [...el.attributes].map(([n, v]) => [n, v] as [string, string]);
    return this.#event({ kind: "element", handler, tagName: el.tagName, attributes, namespaceURI: el.namespaceURI }, "element", el);
  }

  #apply(kind: string, target: object, ops: unknown): void {
    if (!Array.isArray(ops)) throw new TypeError("HTMLRewriter: malformed handler result");
    const allowed = OPERATIONS[kind]!;
    const t = target as Record<string, unknown>;
    for (const op of ops as unknown[]) {
      if (!Array.isArray(op) || typeof op[0] !== "string" || !Object.hasOwn(allowed, op[0])) throw new TypeError(`HTMLRewriter: ${kind} has no operation ${String(Array.isArray(op) ? op[0] : op).slice(0, 40)}`);
      const [name, ...args] = op as [string, ...unknown[]];
      const types = allowed[name]!;
      if (args.length !== types.length || [...types].some((type, i) => (type === "s" ? typeof args[i] !== "string" : type === "b" ? typeof args[i] !== "boolean" : !Number.isSafeInteger(args[i])))) {
        throw new TypeError(`HTMLRewriter: bad arguments to ${kind}.${name}`);
      }
      if (name === "tagName" || name === "name" || (name === "text" && kind === "comments")) t[name] = args[0];
      else if (name === "onEndTag") this.#onEndTag(target as Lol.Element, args[0] as number);
      else if (types === "sb") (t[name] as (c: string, o: { html: boolean }) => void).call(target, args[0] as string, { html: args[1] as boolean });
      else (t[name] as (...a: unknown[]) => void).apply(target, args);
    }
  }

  #onEndTag(el: Lol.Element, key: number): void {
    if (this.#endTagKeys.has(key)) throw new TypeError("HTMLRewriter: end tag handler reused");
    this.#endTagKeys.add(key);
    el.onEndTag((endTag) => this.#event({ kind: "endTag", key, name: endTag.name }, "endTag", endTag));
  }
}

/** The HTMLRewriter transforms of one isolate, by handle. */
export class HtmlRewriters {
  readonly #entries = new Map<number, HostRewriter>();
  #next = 1;

  get size(): number {
    return this.#entries.size;
  }

  open(spec: unknown): number {
    if (this.#entries.size >= HTML_REWRITERS_PER_ISOLATE_MAX) throw new TypeError(`HTMLRewriter: ${this.#entries.size} transforms are open; the limit is ${HTML_REWRITERS_PER_ISOLATE_MAX}`);
    const entry = new HostRewriter(checkSpec(spec));
    const id = this.#next++;
    this.#entries.set(id, entry);
    return id;
  }

  write(id: unknown, bytes: unknown): Promise<RewriterStep> {
    return this.#get(id).write(bytes);
  }

  end(id: unknown): Promise<RewriterStep> {
    return this.#get(id).end();
  }

  resume(id: unknown, ops: unknown): Promise<RewriterStep> {
    return this.#get(id).resume(ops);
  }

  release(id: unknown): void {
    const entry = this.#entries.get(id as number);
    if (entry === undefined) return;
    this.#entries.delete(id as number);
    entry.release();
  }

  releaseAll(): void {
    for (const id of [...this.#entries.keys()]) this.release(id);
  }

  #get(id: unknown): HostRewriter {
    const entry = typeof id === "number" ? this.#entries.get(id) : undefined;
    if (entry === undefined) throw new TypeError("HTMLRewriter: unknown or released transform");
    return entry;
  }
}

function checkSpec(spec: unknown): RewriterSpec {
  const s = spec as Partial<RewriterSpec> | null;
  const flag = (v: unknown): boolean => v === true;
  if (s === null || typeof s !== "object" || !Array.isArray(s.elements) || !Array.isArray(s.documents)) throw new TypeError("HTMLRewriter: malformed handlers");
  const elements = s.elements.map((e: unknown) => {
    const x = e as { selector?: unknown; element?: unknown; comments?: unknown; text?: unknown } | null;
    if (x === null || typeof x !== "object" || typeof x.selector !== "string") throw new TypeError("HTMLRewriter: malformed handlers");
    return { selector: x.selector, element: flag(x.element), comments: flag(x.comments), text: flag(x.text) };
  });
  const documents = s.documents.map((e: unknown) => {
    const d = e as Record<string, unknown> | null;
    if (d === null || typeof d !== "object") throw new TypeError("HTMLRewriter: malformed handlers");
    return { doctype: flag(d["doctype"]), comments: flag(d["comments"]), text: flag(d["text"]), end: flag(d["end"]) };
  });
  return { elements, documents };
}

/** Engines alive in this process (for tests). */
export function htmlEnginesAlive(): number {
  return enginesAlive;
}
