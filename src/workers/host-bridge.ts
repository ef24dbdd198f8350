import { randomFillSync } from "node:crypto";
import type { DurableObjectIdApi, DurableObjectNamespaceApi, DurableObjectStateApi, KvNamespaceApi } from "../core/bindings.js";
import type { Clock } from "../sim/clock.js";
import type { ResolvedWorkerConfig } from "./config.js";
import { BodyStreams } from "./body-streams.js";
import { cacheCall } from "./cache-bridge.js";
import { HtmlRewriters, checkSelector } from "./html-rewriter-host.js";
import { SubtleBridge } from "./crypto-bridge.js";
import { ZlibStreams } from "./zlib-streams.js";
import { requestFromWire, responseToWire } from "./http-wire.js";
import { sqliteCall } from "./sqlite-bridge.js";
import { WebSockets } from "./web-sockets.js";
import { DO_IDS_REMEMBERED_MAX, LOG_LINE_CHARS_MAX, LOG_LINES_PER_REQUEST_MAX, TIMERS_PENDING_MAX, WEB_SOCKET_MESSAGE_BYTES_MAX } from "./limits.js";

/** Where a worker's `fetch()` goes: the origin (or the next stage). Never the real network. */
export type OriginFetcher = (request: Request) => Promise<Response>;

/** How the host waits for a worker's timers; a simulation passes its own `sleep`. */
export type Sleeper = (ms: number) => Promise<void>;

export interface LogLine {
  level: "log" | "info" | "warn" | "error" | "debug";
  message: string;
}

/** What every host call returns to the isolate: the new frozen time and a value or an error. */
export interface HostReply {
  t: number;
  v?: unknown;
  /** An error: its class name and message; `dom` when it is a DOMException (rebuilt as one). */
  e?: { name: string; message: string; dom?: true };
}

const URL_PARTS = ["href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash"] as const;
const URL_SETTABLE = new Set<string>(URL_PARTS.filter((p) => p !== "origin"));
const KV_OPS = new Set(["get", "getWithMetadata", "put", "delete", "list"]);
const STORAGE_OPS = new Set(["get", "put", "delete", "list", "deleteAll", "getAlarm", "setAlarm", "deleteAlarm"]);
const LOG_LEVELS = new Set(["log", "info", "warn", "error", "debug"]);

/**
 * The host side of one isolate: every operation the in-isolate runtime may ask for, each
 * validating its copied arguments. Host objects stay here; the isolate sees strings, numbers,
 * ArrayBuffers and plain data only.
 */
export class HostBridge {
  readonly sinks = new Set<LogLine[]>();
  /** The host streams behind this isolate's bodies (see body-streams.ts). */
  readonly bodies = new BodyStreams();
  /** The host zlib streams behind this isolate's CompressionStreams and DecompressionStreams. */
  readonly zlib = new ZlibStreams();
  /** The host lol-html engines behind this isolate's HTMLRewriter transforms. */
  readonly html = new HtmlRewriters();
  /** The WebSockets this isolate's ends talk to (see web-sockets.ts). */
  readonly sockets = new WebSockets();
  readonly #config: ResolvedWorkerConfig;
  readonly #clock: Clock;
  readonly #origin: OriginFetcher;
  readonly #subtle = new SubtleBridge();
  readonly #doIds = new Map<string, DurableObjectIdApi>();
  readonly #doStates = new Map<number, DurableObjectStateApi>();
  #nextDoInstance = 1;

  /** Called just before a reply goes back: the isolate is about to run a continuation. */
  onReply: () => void = () => {};

  /** Maps bundle positions in console output to source positions (the script's source map). */
  remapStack: (text: string) => string = (text) => text;

  readonly #sleep: Sleeper;
  #timersPending = 0;
  /** Subrequests the isolate may still abort (`fetch` with a signal), by the id it gave them. */
  readonly #fetchAborts = new Map<number, AbortController>();

  constructor(config: ResolvedWorkerConfig, clock: Clock, origin: OriginFetcher, sleep: Sleeper) {
    this.#config = config;
    this.#clock = clock;
    this.#origin = origin;
    this.#sleep = sleep;
  }

  readonly asyncCall = async (op: unknown, args: unknown): Promise<HostReply> => {
    let reply: HostReply;
    try {
      const v = await this.#async(String(op), Array.isArray(args) ? args : []);
      reply = { t: this.#clock.nowMs(), v };
    } catch (e) {
      reply = { t: this.#clock.nowMs(), e: toWireError(e) };
    }
    this.onReply();
    return reply;
  };

  readonly syncCall = (op: unknown, args: unknown): HostReply => {
    try {
      return { t: this.#clock.nowMs(), v: this.#sync(String(op), Array.isArray(args) ? args : []) };
    } catch (e) {
      return { t: this.#clock.nowMs(), e: toWireError(e) };
    }
  };

  readonly log = (level: unknown, message: unknown): void => {
    const text = this.remapStack(String(message));
    const line: LogLine = {
      level: (LOG_LEVELS.has(String(level)) ? level : "log") as LogLine["level"],
      message: text.length > LOG_LINE_CHARS_MAX ? `${text.slice(0, LOG_LINE_CHARS_MAX)}… (${text.length} characters)` : text,
    };
    for (const sink of this.sinks) {
      if (sink.length < LOG_LINES_PER_REQUEST_MAX) sink.push(line);
      else if (sink.length === LOG_LINES_PER_REQUEST_MAX) sink.push({ level: "warn", message: `further console output dropped: the limit is ${LOG_LINES_PER_REQUEST_MAX} lines per request` });
    }
  };

  /** The host clock's time, as the isolate's next reply will carry it. */
  nowMs(): number {
    return this.#clock.nowMs();
  }

  /** Console output of WebSocket event handlers (no request to attach it to); the last lines only. */
  readonly socketLogs: LogLine[] = [];

  registerDurableObjectState(state: DurableObjectStateApi): number {
    const id = this.#nextDoInstance++;
    this.#doStates.set(id, state);
    this.#rememberId(state.id);
    return id;
  }

  releaseDurableObjectState(instanceId: number): void {
    this.#doStates.delete(instanceId);
  }

  async #async(op: string, args: unknown[]): Promise<unknown> {
    switch (op) {
      case "fetch": {
        // The response's body belongs to the requests in flight now, one of which asked for it.
        const owners = this.bodies.live();
        // 0 (or none): a subrequest without a signal.
        const id = args[1] ?? 0;
        if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0 || (id > 0 && this.#fetchAborts.has(id))) throw new TypeError("fetch: bad subrequest id");
        if (id === 0) return await responseToWire(await this.#origin(requestFromWire(args[0], this.bodies)), this.bodies, owners);
        // A signal the worker can abort: the origin sees it on its Request.
        const abort = new AbortController();
        this.#fetchAborts.set(id, abort);
        try {
          return await responseToWire(await this.#origin(requestFromWire(args[0], this.bodies, abort.signal)), this.bodies, owners);
        } finally {
          this.#fetchAborts.delete(id);
        }
      }
      case "fetch.abort":
        this.#fetchAborts.get(Number(args[0]))?.abort();
        return undefined;
      case "kv":
        return this.#kv(args);
      case "do.fetch": {
        const owners = this.bodies.live();
        const stub = this.#namespace(args[0]).get(this.#id(args[0], args[1]));
        return await responseToWire(await stub.fetch(requestFromWire(args[2], this.bodies)), this.bodies, owners, this.sockets);
      }
      case "body.read":
        return this.bodies.read(args[0]);
      case "body.release":
        return this.bodies.release(args[0]);
      case "do.call": {
        if (typeof args[2] !== "string" || !Array.isArray(args[3])) throw new TypeError("RPC needs a method name and an argument list");
        return this.#namespace(args[0]).get(this.#id(args[0], args[1])).call(args[2], ...args[3]);
      }
      case "do.storage":
        return this.#storage(args);
      case "subtle":
        return this.#subtle.call(args);
      case "cache":
        return cacheCall(this.#config.cache, args);
      case "html.open":
        // Async: making an engine (a WebAssembly instance) is host work outside the worker's turn.
        return this.html.open(args[0]);
      case "html.write":
        return this.html.write(args[0], args[1]);
      case "html.end":
        return this.html.end(args[0]);
      case "html.resume":
        return this.html.resume(args[0], args[1]);
      case "sleep":
        return this.#timer(Number(args[0]));
      case "zlib.push":
        return this.zlib.push(args[0], args[1]);
      case "zlib.finish":
        return this.zlib.finish(args[0]);
      default:
        throw new TypeError(`unknown host operation "${op}"`);
    }
  }

  #sync(op: string, args: unknown[]): unknown {
    switch (op) {
      case "kv.now":
        return this.#kvNow(args);
      case "url.parse":
        return parseUrlParts(String(args[0]), typeof args[1] === "string" ? args[1] : undefined);
      case "url.set": {
        const url = new URL(String(args[0]));
        const part = String(args[1]);
        if (!URL_SETTABLE.has(part)) throw new TypeError(`URL.${part} cannot be set`);
        (url as unknown as Record<string, string>)[part] = String(args[2]);
        return urlParts(url);
      }
      case "random": {
        const n = Number(args[0]);
        if (!Number.isInteger(n) || n < 0 || n > 65_536) throw new RangeError(`random: ${n} bytes requested`);
        return randomFillSync(new Uint8Array(n)).buffer; // CSPRNG on purpose: this backs crypto.getRandomValues.
      }
      case "clone":
        return args[0]; // Crossing the boundary twice is the structured clone.
      case "do.id":
        return this.#newId(args);
      case "do.sql":
        return sqliteCall(this.#doStates.get(Number(args[0])), String(args[1]), Array.isArray(args[2]) ? args[2] : []);
      case "body.tee":
        return this.bodies.tee(args[0]);
      case "timingSafeEqual":
        return this.#subtle.timingSafeEqual(args[0], args[1]);
      case "digest.open":
        return this.#subtle.digestOpen(args[0]);
      case "digest.update":
        return this.#subtle.digestUpdate(args[0], args[1]);
      case "digest.finish":
        return this.#subtle.digestFinish(args[0]);
      case "digest.release":
        return this.#subtle.digestRelease(args[0]);
      case "zlib.open":
        return this.zlib.open(args[0], args[1]);
      case "zlib.release":
        return this.zlib.release(args[0]);
      case "html.check":
        return checkSelector(args[0]);
      case "html.release":
        return this.html.release(args[0]);
      case "ws.limits":
        return { messageBytesMax: WEB_SOCKET_MESSAGE_BYTES_MAX };
      case "ws.open":
        return this.sockets.open();
      case "ws.send":
        return this.sockets.send(args[0], args[1]);
      case "ws.claim":
        return this.sockets.claim(args[0]);
      default:
        throw new TypeError(`unknown host operation "${op}"`);
    }
  }

  async #timer(ms: number): Promise<void> {
    if (this.#timersPending >= TIMERS_PENDING_MAX) throw new RangeError(`${this.#timersPending} timers are pending; the limit is ${TIMERS_PENDING_MAX}`);
    this.#timersPending++;
    try {
      await this.#sleep(Number.isFinite(ms) ? Math.max(0, ms) : 0);
    } finally {
      this.#timersPending--;
    }
  }

  /**
   * A KV read answered inside the isolate's synchronous turn when the namespace can
   * (`getWithMetadataNow`); null tells the runtime to make the ordinary async call instead.
   */
  #kvNow(args: unknown[]): unknown {
    const { kv, op, key, options } = this.#kvCall(args);
    if (kv.getWithMetadataNow === undefined || (op !== "get" && op !== "getWithMetadata")) return null;
    const r = kv.getWithMetadataNow(key, options as never);
    return { value: op === "get" ? toTransferable(r.value) : withMetadataWire(r) };
  }

  async #kv(args: unknown[]): Promise<unknown> {
    const { kv, op, rest, key, options } = this.#kvCall(args);
    switch (op) {
      case "get":
        return toTransferable(await kv.get(key, options as never));
      case "getWithMetadata":
        return withMetadataWire(await kv.getWithMetadata(key, options as never));
      case "put":
        return kv.put(key, rest[1] as string | ArrayBuffer, (rest[2] ?? undefined) as never);
      case "delete":
        return kv.delete(key);
      default:
        return kv.list((rest[0] ?? undefined) as never);
    }
  }

  /** Checks a KV call from the isolate (binding, operation, arguments) for both paths. */
  #kvCall(args: unknown[]): { kv: KvNamespaceApi; op: string; rest: unknown[]; key: string; options: unknown } {
    const [binding, op, rest] = args;
    const kv: KvNamespaceApi | undefined = ownValue(this.#config.kvNamespaces, String(binding));
    if (kv === undefined || !KV_OPS.has(String(op)) || !Array.isArray(rest)) throw new TypeError(`KV: bad call ${String(binding)}.${String(op)}`);
    const options: unknown = rest.at(-1) ?? undefined;
    const type = typeof options === "string" ? options : typeof options === "object" ? (options as { type?: string }).type : undefined;
    if ((op === "get" || op === "getWithMetadata") && type === "stream") {
      throw new TypeError('KV get type "stream" is not supported by this runtime; use "arrayBuffer"');
    }
    return { kv, op: String(op), rest, key: String(rest[0]), options };
  }

  async #storage(args: unknown[]): Promise<unknown> {
    const [instanceId, op, rest] = args;
    const state = this.#doStates.get(Number(instanceId));
    if (state === undefined || !STORAGE_OPS.has(String(op)) || !Array.isArray(rest)) throw new TypeError(`storage.${String(op)}: bad call`);
    const storage = state.storage as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    return storage[String(op)]!.apply(state.storage, rest);
  }

  #namespace(binding: unknown): DurableObjectNamespaceApi {
    const ns = ownValue(this.#config.durableObjects, String(binding));
    if (ns === undefined) throw new TypeError(`no Durable Object binding "${String(binding)}"`);
    return ns;
  }

  #newId(args: unknown[]): { hex: string; name?: string } {
    const ns = this.#namespace(args[0]);
    const kind = args[1];
    const id =
      kind === "name" ? ns.idFromName(String(args[2]))
      : kind === "unique" ? ns.newUniqueId(typeof args[2] === "string" ? { jurisdiction: args[2] } : undefined)
      : ns.idFromString(String(args[2]));
    this.#rememberId(id);
    return id.name === undefined ? { hex: id.toString() } : { hex: id.toString(), name: id.name };
  }

  #rememberId(id: DurableObjectIdApi): void {
    const hex = id.toString();
    const known = this.#doIds.get(hex);
    this.#doIds.delete(hex);
    // idFromString loses the name; keep the named id so the object still sees `id.name`.
    this.#doIds.set(hex, known?.name !== undefined && id.name === undefined ? known : id);
    if (this.#doIds.size > DO_IDS_REMEMBERED_MAX) this.#doIds.delete(this.#doIds.keys().next().value as string);
  }

  #id(binding: unknown, hex: unknown): DurableObjectIdApi {
    return this.#doIds.get(String(hex)) ?? this.#namespace(binding).idFromString(String(hex));
  }
}

/** Binding names come from untrusted code: "__proto__" must not find Object.prototype. */
function ownValue<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

// The isolate's `new URL(request.url)` and `new Request(url)` ask for the same few URLs again and
// again; their parts are computed once. The parts are copied into the isolate on the way back,
// so one record can answer every time. Only URLs without a base are remembered: the key is then
// the whole input (no base-and-input concatenation that two different pairs could share).
// Bounded: cleared when full.
const PARSED_URLS_MAX = 256;
const parsedUrls = new Map<string, Readonly<Record<string, string>> | null>();

/** The parts of `new URL(input, base)`, or null where that throws. */
export function parseUrlParts(input: string, base: string | undefined): Readonly<Record<string, string>> | null {
  if (base !== undefined) return URL.canParse(input, base) ? urlParts(new URL(input, base)) : null;
  let parts = parsedUrls.get(input);
  if (parts === undefined) {
    parts = URL.canParse(input) ? urlParts(new URL(input)) : null;
    if (parsedUrls.size >= PARSED_URLS_MAX) parsedUrls.clear();
    parsedUrls.set(input, parts);
  }
  return parts;
}

function urlParts(url: URL): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const p of URL_PARTS) parts[p] = url[p];
  return parts;
}

function withMetadataWire(r: { value: unknown; metadata: unknown }): { value: unknown; metadata: unknown; cacheStatus: null } {
  return { value: toTransferable(r.value), metadata: r.metadata, cacheStatus: null };
}

function toTransferable(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  return value;
}

/** DOMException names Node 20's webcrypto gets wrong, and the names WebCryptoAPI §18.4 gives them. */
const DOM_EXCEPTION_NAMES: Record<string, string> = { InvalidAccessException: "InvalidAccessError" };

function toWireError(e: unknown): { name: string; message: string; dom?: true } {
  if (e instanceof DOMException) return { name: Object.hasOwn(DOM_EXCEPTION_NAMES, e.name) ? DOM_EXCEPTION_NAMES[e.name]! : e.name, message: e.message, dom: true };
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { name: e.name === "EdgeError" ? "Error" : e.name, message: typeof code === "string" ? `${code}: ${e.message}` : e.message };
  }
  return { name: "Error", message: String(e) };
}
