import { EdgeError } from "../core/errors.js";
import type {
  DurableObjectFactory,
  DurableObjectIdApi,
  DurableObjectNamespaceApi,
  DurableObjectStubApi,
} from "../core/bindings.js";
import type { LatencyModel } from "../sim/latency.js";
import type { Pop } from "../sim/pops.js";
import type { Rng } from "../sim/rng.js";
import type { DoEvent } from "./object-host.js";
import { checkIdOf, idFromName, idFromString, newUniqueId, type DurableObjectId } from "./object-id.js";
import { decodeValue, encodeValue } from "./structured-value.js";

/** What one stub call cost on the network, measured in virtual time. */
export interface CallMetrics {
  namespace: string;
  id: string;
  kind: DoEvent["kind"];
  callerPop: string;
  objectPop: string;
  /** One way there plus one way back; 0 when caller and object share a PoP. */
  networkMs: number;
  /** From the call to its result reaching the caller (network plus queueing and work). */
  totalMs: number;
}

export interface SendResult {
  outcome: PromiseSettledResult<unknown>;
  /** Where the object was when it answered (it may have moved while the request travelled). */
  objectPop: Pop;
  thereMs: number;
}

export interface NamespaceContext {
  rng: Rng;
  sim: { now(): number; sleep(ms: number, label?: string): Promise<void> };
  latency: LatencyModel;
  resolvePop(code: string): Pop;
  /** Delivers an event to the object; never rejects, the outcome says how the call ended. */
  send(id: DurableObjectId, callerPop: Pop, event: DoEvent): Promise<SendResult>;
  onCall?: (metrics: CallMetrics) => void;
}

/**
 * A Durable Object namespace binding. Calls leave from a PoP, the one that received the
 * worker's request: take `forPop("LHR")` per request (or pass `{ pop }` to `get`), because the
 * caller's PoP decides where a new object is placed and how far its requests travel.
 */
export class DurableObjectNamespace implements DurableObjectNamespaceApi {
  readonly name: string;
  readonly #factory: DurableObjectFactory;
  readonly #ctx: NamespaceContext;
  readonly #callerPop: Pop | undefined;

  constructor(name: string, factory: DurableObjectFactory, ctx: NamespaceContext, callerPop?: Pop) {
    this.name = name;
    this.#factory = factory;
    this.#ctx = ctx;
    this.#callerPop = callerPop;
  }

  /** The same binding as seen by workers running in PoP `code`. */
  forPop(code: string): DurableObjectNamespace {
    return new DurableObjectNamespace(this.name, this.#factory, this.#ctx, this.#ctx.resolvePop(code));
  }

  idFromName(name: string): DurableObjectId {
    return idFromName(this.name, name);
  }

  newUniqueId(options?: { jurisdiction?: string }): DurableObjectId {
    if (options?.jurisdiction !== undefined) {
      // Honest refusal: placement here does not restrict objects to a jurisdiction.
      throw new EdgeError("DO_JURISDICTION_UNSUPPORTED", 501, `jurisdiction "${options.jurisdiction}" is not modelled`);
    }
    return newUniqueId(this.name, this.#ctx.rng);
  }

  idFromString(hex: string): DurableObjectId {
    return idFromString(this.name, hex);
  }

  get(id: DurableObjectIdApi, options?: { pop?: string }): DurableObjectStub {
    const own = checkIdOf(this.name, id);
    const pop = options?.pop !== undefined ? this.#ctx.resolvePop(options.pop) : this.#callerPop;
    if (pop === undefined) {
      throw new EdgeError("DO_CALLER_POP_REQUIRED", 500, `namespace "${this.name}": call forPop(code) or pass { pop } to get()`);
    }
    return new DurableObjectStub(this.name, own, pop, this.#ctx);
  }
}

export class DurableObjectStub implements DurableObjectStubApi {
  readonly id: DurableObjectId;
  readonly #namespace: string;
  readonly #callerPop: Pop;
  readonly #ctx: NamespaceContext;
  /** Network time of the latest completed call (there and back), in virtual ms. */
  lastRoundTripMs: number | undefined;

  constructor(namespace: string, id: DurableObjectId, callerPop: Pop, ctx: NamespaceContext) {
    this.#namespace = namespace;
    this.id = id;
    this.#callerPop = callerPop;
    this.#ctx = ctx;
  }

  async fetch(request: Request): Promise<Response> {
    return (await this.#call({ kind: "fetch", request })) as Response;
  }

  async call(method: string, ...args: unknown[]): Promise<unknown> {
    // Arguments cross as structured clones: the object never shares memory with its caller.
    const copied = decodeValue(encodeValue(args, `arguments of ${method}()`)) as unknown[];
    return this.#call({ kind: "call", method, args: copied });
  }

  async #call(event: DoEvent): Promise<unknown> {
    const { sim, latency } = this.#ctx;
    const startMs = sim.now();
    const sent = await this.#ctx.send(this.id, this.#callerPop, event);
    // The answer, or the error, travels back too.
    const objectPop = sent.objectPop;
    const backMs = objectPop.code === this.#callerPop.code ? 0 : latency.oneWayMs(objectPop, this.#callerPop);
    if (backMs > 0) await sim.sleep(backMs, `do response ${objectPop.code}->${this.#callerPop.code}`);
    this.lastRoundTripMs = sent.thereMs + backMs;
    this.#ctx.onCall?.({
      namespace: this.#namespace,
      id: this.id.toString(),
      kind: event.kind,
      callerPop: this.#callerPop.code,
      objectPop: objectPop.code,
      networkMs: this.lastRoundTripMs,
      totalMs: sim.now() - startMs,
    });
    if (sent.outcome.status === "rejected") throw sent.outcome.reason;
    return sent.outcome.value;
  }
}
