/**
 * Durable storage: where Durable Object state and Workers KV entries live once written. The
 * `StorageEngine` contract has an in-memory engine for simulations (optionally with virtual
 * write latency) and a SQLite one for the real server, whose acknowledged writes survive a
 * killed process. The KV subsystem gets a plain `KvTable` per namespace.
 */
export type { ObjectKey, ListRange, WriteBatch, WriteResult, StoredAlarm, StorageEngine } from "./storage-engine.js";
export { compareKeys, inRange, selectRange } from "./key-order.js";
export { MemoryStorageEngine } from "./memory-engine.js";
export { SimulatedLatencyEngine, type SimulatedLatencyOptions } from "./simulated-latency-engine.js";
export { type KvRow, type KvTable, MemoryKvTable } from "./kv-table.js";
export { SqliteStorage } from "./sqlite-storage.js";
export { SqliteKvTable } from "./sqlite-kv-table.js";
