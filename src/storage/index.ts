/**
 * Durable storage: where Durable Object state and Workers KV entries live once written. The
 * `StorageEngine` contract has an in-memory engine for simulations (optionally with virtual
 * write latency) and a SQLite one for the real server, whose acknowledged writes survive a
 * killed process. The KV subsystem gets a plain `KvTable` per namespace. A SQLite-backed
 * Durable Object gets an `ObjectDatabase` of its own: its SQL tables, its key-value table and
 * the history behind point-in-time recovery.
 */
export type { ObjectKey, ListRange, WriteBatch, WriteResult, StoredAlarm, StorageEngine } from "./storage-engine.js";
export { compareKeys, inRange, selectRange } from "./key-order.js";
export { MemoryStorageEngine } from "./memory-engine.js";
export { SimulatedLatencyEngine, type SimulatedLatencyOptions } from "./simulated-latency-engine.js";
export { type KvRow, type KvTable, MemoryKvTable } from "./kv-table.js";
export { SqliteStorage } from "./sqlite-storage.js";
export { SqliteKvTable } from "./sqlite-kv-table.js";
export { ObjectDatabase, type ObjectDatabaseOptions, type SqlValue, type SqlStatement, type SqlResult } from "./object-database.js";
export { MemoryObjectDatabases, FileObjectDatabases, type ObjectDatabases, type DatabaseSettings } from "./object-databases.js";
export { tokenize, splitStatements, type Token, type TokenKind, type StatementText } from "./sql-tokens.js";
