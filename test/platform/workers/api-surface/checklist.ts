/**
 * The Workers API as a checklist, read from `@cloudflare/workers-types` (the typings Cloudflare
 * publishes for workerd): for each class in scope, the members workerd declares, static and
 * instance. Parsed from the pinned package's index.d.ts on every run, so the checklist cannot
 * drift from the typings it claims to follow.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import ts from "typescript";

/** The classes this runtime's web-platform and WebCrypto half covers (issue 18). */
export const WEB_PLATFORM_CLASSES = [
  "Request", "Response", "Headers", "Body", "FormData", "Blob", "File", "URL", "URLSearchParams",
  "AbortController", "AbortSignal", "Event", "EventTarget", "CustomEvent", "DOMException",
  "ReadableStream", "ReadableStreamDefaultReader", "ReadableStreamBYOBReader", "ReadableStreamBYOBRequest",
  "ReadableStreamDefaultController", "ReadableByteStreamController", "WritableStream", "WritableStreamDefaultWriter",
  "WritableStreamDefaultController", "TransformStream", "TransformStreamDefaultController",
  "ByteLengthQueuingStrategy", "CountQueuingStrategy", "TextEncoder", "TextDecoder", "TextEncoderStream",
  "TextDecoderStream", "CompressionStream", "DecompressionStream", "IdentityTransformStream", "FixedLengthStream",
  "Crypto", "SubtleCrypto", "CryptoKey", "DigestStream", "Navigator",
] as const;

/** The other half of issue 18 (Cache API, HTMLRewriter, WebSockets), reported for completeness. */
export const PLATFORM_EXTRA_CLASSES = ["Cache", "CacheStorage", "HTMLRewriter", "WebSocket", "WebSocketPair"] as const;

/**
 * Globals that are objects or functions rather than classes. Node-compat globals (`Buffer`,
 * `process`, `global`, `setImmediate`) need `nodejs_compat` and are left out.
 */
export const PLATFORM_GLOBALS = [
  "self", "crypto", "caches", "scheduler", "navigator", "performance", "console", "fetch", "structuredClone",
  "queueMicrotask", "reportError", "btoa", "atob", "setTimeout", "clearTimeout", "setInterval", "clearInterval",
  "addEventListener", "removeEventListener", "dispatchEvent", "origin",
] as const;

/** Members of global objects that are not classes in the typings (`scheduler` is an interface). */
const OBJECT_GLOBALS: Record<string, string> = { scheduler: "Scheduler" };

export interface ClassChecklist {
  name: string;
  /** Members on the constructor (`Response.json`). */
  statics: string[];
  /** Members on instances, reached through the prototype chain; `@@iterator` for Symbol.iterator. */
  members: string[];
}

export interface Checklist {
  version: string;
  classes: ClassChecklist[];
  globals: string[];
  /** Object globals and the interface whose members they must have. */
  objects: Array<{ global: string; members: string[] }>;
}

function memberName(name: ts.PropertyName | undefined, source: ts.SourceFile): string | null {
  if (name === undefined) return null;
  if (ts.isComputedPropertyName(name)) {
    const text = name.expression.getText(source);
    return text.startsWith("Symbol.") ? `@@${text.slice("Symbol.".length)}` : null;
  }
  if (ts.isPrivateIdentifier(name)) return null;
  return name.getText(source).replace(/^["']|["']$/g, "");
}

const isStatic = (node: ts.Node): boolean => (ts.canHaveModifiers(node) ? ts.getModifiers(node) ?? [] : []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);

/** Collects the declared members of `name` (class, or interface + `declare var` static side). */
function collect(source: ts.SourceFile, name: string): ClassChecklist {
  const statics = new Set<string>();
  const members = new Set<string>();
  const addMember = (member: ts.ClassElement | ts.TypeElement, staticSide: boolean): void => {
    if (ts.isConstructorDeclaration(member) || ts.isConstructSignatureDeclaration(member) || ts.isIndexSignatureDeclaration(member) || ts.isCallSignatureDeclaration(member)) return;
    const n = memberName(member.name, source);
    if (n === null || n === "prototype") return;
    (staticSide || isStatic(member) ? statics : members).add(n);
  };
  let found = false;
  for (const statement of source.statements) {
    if (ts.isClassDeclaration(statement) && statement.name?.text === name) {
      found = true;
      for (const m of statement.members) addMember(m, false);
    } else if (ts.isInterfaceDeclaration(statement) && statement.name.text === name) {
      found = true;
      for (const m of statement.members) addMember(m, false);
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === name && d.type !== undefined && ts.isTypeLiteralNode(d.type)) {
          found = true;
          for (const m of d.type.members) addMember(m, true);
        }
      }
    }
  }
  if (!found) throw new Error(`@cloudflare/workers-types declares no class or interface "${name}"`);
  return { name, statics: [...statics].sort(), members: [...members].sort() };
}

let cached: Checklist | null = null;

export function workersChecklist(): Checklist {
  if (cached !== null) return cached;
  const require = createRequire(import.meta.url);
  const path = require.resolve("@cloudflare/workers-types/index.d.ts");
  const version = (JSON.parse(readFileSync(require.resolve("@cloudflare/workers-types/package.json"), "utf8")) as { version: string }).version;
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  cached = {
    version,
    classes: [...WEB_PLATFORM_CLASSES, ...PLATFORM_EXTRA_CLASSES].map((name) => collect(source, name)),
    globals: [...PLATFORM_GLOBALS],
    objects: Object.entries(OBJECT_GLOBALS).map(([global, type]) => ({ global, members: collect(source, type).members })),
  };
  return cached;
}
