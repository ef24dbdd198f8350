import { LatencyModel, POPS, Simulation, type Pop } from "../../../src/sim/index.js";
import { DurableObjectRuntime, type CallMetrics } from "../../../src/durable-objects/index.js";
import { MemoryStorageEngine, type StorageEngine } from "../../../src/storage/index.js";
import { MemoryObjectDatabases, type ObjectDatabases } from "../../../src/storage/object-databases.js";
import { DO_PITR_WINDOW_MS, DO_SQL_COLUMNS_MAX, DO_SQL_VALUE_BYTES_MAX, DO_SQLITE_DATABASE_BYTES_MAX } from "../../../src/durable-objects/limits.js";
import type { AlarmObserver } from "../../../src/durable-objects/index.js";

export interface World {
  sim: Simulation;
  latency: LatencyModel;
  runtime: DurableObjectRuntime;
  calls: CallMetrics[];
}

/** A simulated network with a DO runtime; jitter off unless asked, so latency figures are exact. */
export function makeWorld(
  options: {
    seed?: number;
    engine?: (sim: Simulation) => StorageEngine;
    databases?: (sim: Simulation) => ObjectDatabases;
    overloadRequestsMax?: number;
    pops?: readonly Pop[];
    jitterMsMean?: number;
    onAlarm?: AlarmObserver;
  } = {},
): World {
  const sim = new Simulation({ seed: options.seed ?? 1, trace: false });
  const latency = new LatencyModel({ rng: sim.rng.fork("latency"), jitterMsMean: options.jitterMsMean ?? 0 });
  const calls: CallMetrics[] = [];
  const runtime = new DurableObjectRuntime({
    sim,
    latency,
    pops: options.pops ?? POPS,
    engine: options.engine?.(sim) ?? new MemoryStorageEngine(),
    rng: sim.rng.fork("durable-objects"),
    onCall: (m) => calls.push(m),
    ...(options.databases !== undefined && { databases: options.databases(sim) }),
    ...(options.overloadRequestsMax !== undefined && { overloadRequestsMax: options.overloadRequestsMax }),
    ...(options.onAlarm !== undefined && { onAlarm: options.onAlarm }),
  });
  return { sim, latency, runtime, calls };
}

/** Runs the simulation until `promise` settles, then returns its outcome. */
export async function settle<T>(sim: Simulation, promise: Promise<T>): Promise<T> {
  await sim.runAsync();
  return promise;
}

/** In-memory SQLite databases for SQLite-backed classes, on the simulation's clock. */
export function sqliteDatabases(sim: Simulation, history = true): MemoryObjectDatabases {
  return new MemoryObjectDatabases({
    nowMs: () => sim.now(),
    history,
    rowBytesMax: DO_SQL_VALUE_BYTES_MAX,
    columnsMax: DO_SQL_COLUMNS_MAX,
    databaseBytesMax: DO_SQLITE_DATABASE_BYTES_MAX,
    historyWindowMs: DO_PITR_WINDOW_MS,
  });
}
