import { EdgeError } from "../core/errors.js";
import type { DurableObjectFactory } from "../core/bindings.js";
import type { LatencyModel } from "../sim/latency.js";
import { popByCode, type Pop, type Region } from "../sim/pops.js";
import type { Rng } from "../sim/rng.js";
import type { Scheduler } from "../sim/wall-sim.js";
import type { ObjectDatabases } from "../storage/object-databases.js";
import type { StorageEngine } from "../storage/storage-engine.js";
import { DO_OVERLOADED_MESSAGE, DO_OVERLOAD_WINDOW_MS, DO_REQUESTS_PER_SECOND_SOFT_MAX } from "./limits.js";
import { AlarmScheduler, type AlarmObserver, type AlarmTarget } from "./alarm-scheduler.js";
import { ObjectHost, type DoEvent, type QueuedEvent } from "./object-host.js";
import { idFromString, type DurableObjectId } from "./object-id.js";
import { DurableObjectNamespace, type CallMetrics, type SendResult } from "./namespace.js";
import { Placement } from "./placement.js";

/** The parts of a `Simulation` the runtime uses; a wall-time server can supply its own. */
export type DoScheduler = Scheduler;

export interface DurableObjectRuntimeOptions {
  sim: DoScheduler;
  latency: LatencyModel;
  /** PoPs that may host objects. */
  pops: readonly Pop[];
  engine: StorageEngine;
  /** Databases of SQLite-backed classes, one per object. Required to register such a class. */
  databases?: ObjectDatabases;
  /** Requests one object accepts per overload window. @defaultValue the soft limit times the window */
  overloadRequestsMax?: number;
  /** Stream for `newUniqueId` (fork one: `sim.rng.fork("durable-objects")`). */
  rng: Rng;
  /** Called once per stub call with the network time it paid. */
  onCall?: (metrics: CallMetrics) => void;
  onAlarm?: AlarmObserver;
}

/** One object in the directory: where it lives, and which instance (epoch) may touch storage. */
interface ObjectEntry {
  readonly key: string;
  readonly namespace: string;
  readonly id: DurableObjectId;
  readonly factory: DurableObjectFactory;
  readonly sqlite: boolean;
  /** Arrival times of accepted requests in the overload window, oldest first, from `windowStart`. */
  arrivals: number[];
  windowStart: number;
  pop: Pop;
  epoch: number;
  host: ObjectHost | undefined;
  // Tail of the object's storage queue; shared by all its instances, in order.
  tail: Promise<void>;
}

const noop = (): void => undefined;

/**
 * The directory of every Durable Object: exactly one live instance per id at any time. In the
 * real network this is a global, consistent placement service; here it is one map in the host
 * process, which is what makes "concurrent first requests from many PoPs create one instance"
 * true by construction.
 */
export class DurableObjectRuntime {
  readonly #options: DurableObjectRuntimeOptions;
  readonly #placement: Placement;
  readonly #alarms: AlarmScheduler;
  readonly #objects = new Map<string, ObjectEntry>();
  readonly #namespaces = new Map<string, { ns: DurableObjectNamespace; factory: DurableObjectFactory; sqlite: boolean }>();
  #instancesCreated = 0;

  constructor(options: DurableObjectRuntimeOptions) {
    this.#options = options;
    this.#placement = new Placement(options.pops);
    this.#alarms = new AlarmScheduler(options.sim, options.onAlarm);
  }

  /** Instances created since start (a migration adds one per object it moves and wakes). */
  get instancesCreated(): number {
    return this.#instancesCreated;
  }

  /**
   * Registers a class under a namespace name (the binding's identity). `storage: "sqlite"` gives
   * its objects the SQLite backend (`new_sqlite_classes`); the default is the key-value backend
   * (`new_classes`), whose objects refuse `ctx.storage.sql` as Cloudflare's do.
   */
  namespace(name: string, factory: DurableObjectFactory, options: { storage?: "sqlite" | "kv" } = {}): DurableObjectNamespace {
    if (this.#namespaces.has(name)) {
      throw new EdgeError("DO_DUPLICATE_NAMESPACE", 409, `namespace "${name}" is already registered`);
    }
    const sqlite = options.storage === "sqlite";
    if (sqlite && this.#options.databases === undefined) {
      throw new EdgeError("DO_NO_SQLITE", 500, `namespace "${name}" is SQLite-backed but the runtime was given no databases`);
    }
    const ns = new DurableObjectNamespace(name, factory, {
      rng: this.#options.rng.fork(`ids/${name}`),
      sim: this.#options.sim,
      latency: this.#options.latency,
      resolvePop: (code) => this.#resolvePop(code),
      send: (id, callerPop, event) => this.#send(name, factory, id, callerPop, event),
      ...(this.#options.onCall !== undefined && { onCall: this.#options.onCall }),
    });
    this.#namespaces.set(name, { ns, factory, sqlite });
    return ns;
  }

  /**
   * Re-arms the alarms stored in the engine (after a server restart), for every registered
   * namespace. The directory is not persisted, so an object that has an alarm but no placement
   * yet is placed near `homePop`. Returns how many alarms were armed.
   */
  async restoreAlarms(homePop: string): Promise<number> {
    const home = this.#resolvePop(homePop);
    let armed = 0;
    for (const { object, alarmMs } of await this.#options.engine.listAlarms()) {
      const registered = this.#namespaces.get(object.namespace);
      if (registered === undefined) continue;
      const entry = this.#entry(object.namespace, registered.factory, idFromString(object.namespace, object.objectId), home);
      this.#alarms.changed(entry.key, alarmMs, this.#alarmTarget(entry));
      armed++;
    }
    return armed;
  }

  /** The PoP an object lives in, if it has been placed. */
  locate(id: DurableObjectId): string | undefined {
    return this.#objects.get(entryKey(id))?.pop.code;
  }

  // ANCHOR: migrate
  /**
   * Moves every object placed in `target` (a region or PoP code) to the nearest healthy PoP.
   * The old instance is superseded at once: its next storage call fails, its queued events move
   * to the new instance, which starts lazily on the next event. Storage belongs to the object,
   * not the instance, so nothing acknowledged is lost. Returns how many objects moved.
   */
  markRegionUnhealthy(target: Region | string): number {
    this.#placement.markUnhealthy(target);
    let moved = 0;
    for (const entry of this.#objects.values()) {
      if (this.#placement.isHealthy(entry.pop)) continue;
      entry.pop = this.#placement.nearestHealthy(entry.pop);
      this.#supersede(entry);
      moved++;
    }
    return moved;
  }
  // ANCHOR_END: migrate

  /**
   * Replaces every live instance in place, as a reload of the Worker's code does (`wrangler
   * dev` after an edit): each is superseded as a migrated one is, and the object's next event
   * builds a new instance from its namespace's factory. Storage and placement are untouched.
   * Returns how many instances were replaced.
   */
  restartInstances(): number {
    let restarted = 0;
    for (const entry of this.#objects.values()) {
      if (entry.host === undefined) continue;
      this.#supersede(entry);
      restarted++;
    }
    return restarted;
  }

  /** Ends the live instance: its next storage call fails and its queued events move on. */
  #supersede(entry: ObjectEntry): void {
    entry.epoch++;
    const old = entry.host;
    entry.host = undefined;
    old?.supersede();
  }

  markRegionHealthy(target: Region | string): void {
    this.#placement.markHealthy(target);
  }

  #resolvePop(code: string): Pop {
    const pop = popByCode(code) ?? this.#options.pops.find((p) => p.code === code);
    if (pop === undefined) throw new EdgeError("DO_UNKNOWN_POP", 400, `no PoP has the code "${code}"`);
    return pop;
  }

  async #send(
    namespace: string,
    factory: DurableObjectFactory,
    id: DurableObjectId,
    callerPop: Pop,
    event: DoEvent,
  ): Promise<SendResult> {
    let entry: ObjectEntry;
    try {
      entry = this.#entry(namespace, factory, id, callerPop);
    } catch (error) {
      return { outcome: { status: "rejected", reason: error }, objectPop: callerPop, thereMs: 0 };
    }
    const { sim, latency } = this.#options;
    // Same PoP: the hop stays inside one data centre, which the model counts as free.
    const thereMs = callerPop.code === entry.pop.code ? 0 : latency.oneWayMs(callerPop, entry.pop);
    if (thereMs > 0) await sim.sleep(thereMs, `do request ${callerPop.code}->${entry.pop.code}`);
    if (event.kind !== "alarm" && !this.#admit(entry)) {
      return { outcome: { status: "rejected", reason: overloaded() }, objectPop: entry.pop, thereMs };
    }
    const [outcome] = await Promise.allSettled([
      new Promise((resolve, reject) => this.#dispatch(entry, { event, resolve, reject })),
    ]);
    return { outcome: outcome as PromiseSettledResult<unknown>, objectPop: entry.pop, thereMs };
  }

  // ANCHOR: directory
  /** The directory lookup; the first caller decides where a new object lives. */
  #entry(namespace: string, factory: DurableObjectFactory, id: DurableObjectId, callerPop: Pop): ObjectEntry {
    const key = entryKey(id);
    let entry = this.#objects.get(key);
    if (entry === undefined) {
      const pop = this.#placement.nearestHealthy(callerPop);
      const sqlite = this.#namespaces.get(namespace)?.sqlite === true;
      entry = { key, namespace, id, factory, sqlite, arrivals: [], windowStart: 0, pop, epoch: 0, host: undefined, tail: Promise.resolve() };
      this.#objects.set(key, entry);
    }
    return entry;
  }
  // ANCHOR_END: directory

  // ANCHOR: overload
  /**
   * The per-object throughput limit: an object accepts at most `overloadRequestsMax` requests in
   * any window of DO_OVERLOAD_WINDOW_MS (the soft limit of 1,000 per second over Cloudflare's
   * 10-second window); beyond that the caller gets Cloudflare's overload error at once. Only
   * accepted requests count, so a steady overload is served at the limit rate. The list of
   * arrivals is bounded by the limit.
   */
  #admit(entry: ObjectEntry): boolean {
    const now = this.#options.sim.now();
    const max = this.#options.overloadRequestsMax ?? (DO_REQUESTS_PER_SECOND_SOFT_MAX * DO_OVERLOAD_WINDOW_MS) / 1000;
    while (entry.windowStart < entry.arrivals.length && (entry.arrivals[entry.windowStart] as number) <= now - DO_OVERLOAD_WINDOW_MS) entry.windowStart++;
    if (entry.windowStart > 1024 && entry.windowStart * 2 > entry.arrivals.length) {
      entry.arrivals = entry.arrivals.slice(entry.windowStart);
      entry.windowStart = 0;
    }
    if (entry.arrivals.length - entry.windowStart >= max) return false;
    entry.arrivals.push(now);
    return true;
  }
  // ANCHOR_END: overload

  #dispatch(entry: ObjectEntry, queued: QueuedEvent): void {
    this.#host(entry).enqueue(queued);
  }

  #host(entry: ObjectEntry): ObjectHost {
    if (entry.host !== undefined) return entry.host;
    const epoch = entry.epoch;
    const object = { namespace: entry.namespace, objectId: entry.id.toString() };
    const host = new ObjectHost({
      id: entry.id,
      factory: entry.factory,
      object,
      engine: this.#options.engine,
      serialize: (op) => this.#serialize(entry, epoch, op),
      alarmChanged: (alarmMs) => this.#alarms.changed(entry.key, alarmMs, this.#alarmTarget(entry)),
      defer: (fn) => this.#defer(fn),
      reroute: (events) => {
        for (const q of events) this.#dispatch(entry, q);
      },
      ...(entry.sqlite && { openDatabase: () => (this.#options.databases as ObjectDatabases).open(object) }),
      abort: () => {
        // Same place, new instance: the old one's storage calls fail from now on.
        if (entry.host !== host) return;
        entry.epoch++;
        entry.host = undefined;
      },
    });
    entry.host = host;
    this.#instancesCreated++;
    return host;
  }

  // ANCHOR: superseded
  #serialize<T>(entry: ObjectEntry, epoch: number | null, op: () => Promise<T>): Promise<T> {
    const run = (): Promise<T> => {
      if (epoch !== null && entry.epoch !== epoch) {
        const which = entry.id.toString().slice(0, 16);
        const why = `this instance of ${which}… was replaced when the object moved to ${entry.pop.code}; its storage is closed`;
        return Promise.reject(new EdgeError("DO_INSTANCE_SUPERSEDED", 503, why));
      }
      return op();
    };
    const result = entry.tail.then(run);
    entry.tail = result.then(noop, noop);
    return result;
  }
  // ANCHOR_END: superseded

  #alarmTarget(entry: ObjectEntry): AlarmTarget {
    const object = { namespace: entry.namespace, objectId: entry.id.toString() };
    return {
      fire: () => new Promise((resolve, reject) => this.#dispatch(entry, { event: { kind: "alarm" }, resolve, reject })),
      // Runtime-owned, so it runs whichever instance is live (epoch null).
      clear: (alarmMs) =>
        this.#serialize(entry, null, async () => {
          // A setAlarm queued before this clear replaced the alarm that ran; keep it.
          if ((await this.#options.engine.getAlarm(object)) !== alarmMs) return;
          await this.#options.engine.write(object, { alarmMs: null });
          this.#alarms.changed(entry.key, null, this.#alarmTarget(entry));
        }),
    };
  }

  /**
   * One event-loop turn later. This models how workerd delivers events: only from the event
   * loop, never between two promise continuations, so every microtask of the code that just
   * ran has finished first. It is a scheduling boundary, not a timer: no virtual time passes,
   * and the simulation is told to wait for it.
   */
  #defer(fn: () => void): void {
    void this.#options.sim.track(new Promise<void>((resolve) => setImmediate(() => {
      try {
        fn();
      } finally {
        resolve();
      }
    })));
  }
}

/** Cloudflare's overload error; `overloaded` tells callers not to retry at once. */
function overloaded(): EdgeError {
  return Object.assign(new EdgeError("DO_OVERLOADED", 503, DO_OVERLOADED_MESSAGE), { overloaded: true });
}

function entryKey(id: DurableObjectId): string {
  return `${id.namespace}\u0000${id.toString()}`;
}
