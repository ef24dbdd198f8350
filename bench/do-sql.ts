// SQLite-backed Durable Object benchmark: inside one object, the synchronous key-value API beside
// SQL statements (throughput and latency per operation, each committed as a request would commit
// it), what the point-in-time-recovery history costs, and one workload where SQL beats key-value
// (a range query with an aggregate over a secondary index). All figures come from one run.
//
// Run alone: node --no-node-snapshot --import tsx bench/do-sql.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DO_PITR_WINDOW_MS, DO_SQL_COLUMNS_MAX, DO_SQL_VALUE_BYTES_MAX, DO_SQLITE_DATABASE_BYTES_MAX } from "../src/durable-objects/limits.js";
import type { SqliteDurableObjectStorage } from "../src/durable-objects/sqlite-object-storage.js";
import { DurableObjectRuntime } from "../src/durable-objects/index.js";
import { LatencyModel, POPS, Simulation } from "../src/sim/index.js";
import { MemoryStorageEngine } from "../src/storage/index.js";
import { FileObjectDatabases, MemoryObjectDatabases, type DatabaseSettings, type ObjectDatabases } from "../src/storage/object-databases.js";
import { type BenchRow, printRows } from "./lib/rows.js";


const settings = (history: boolean): DatabaseSettings => ({
  nowMs: () => 0,
  history,
  rowBytesMax: DO_SQL_VALUE_BYTES_MAX,
  columnsMax: DO_SQL_COLUMNS_MAX,
  databaseBytesMax: DO_SQLITE_DATABASE_BYTES_MAX,
  historyWindowMs: DO_PITR_WINDOW_MS,
});

/** The storage of one SQLite-backed object, reached through the runtime as an object sees it. */
async function objectStorage(databases: ObjectDatabases): Promise<SqliteDurableObjectStorage> {
  const sim = new Simulation({ seed: 1, trace: false });
  const runtime = new DurableObjectRuntime({ sim, latency: new LatencyModel({ rng: sim.rng.fork("l") }), pops: POPS, engine: new MemoryStorageEngine(), databases, rng: sim.rng.fork("do") });
  let storage: SqliteDurableObjectStorage | undefined;
  const ns = runtime.namespace("BENCH", (state) => {
    storage = state.storage as unknown as SqliteDurableObjectStorage;
    return { ping: async () => "pong" };
  }, { storage: "sqlite" });
  const woken = ns.forPop("LHR").get(ns.idFromName("bench")).call("ping");
  await sim.runAsync();
  await woken;
  return storage as SqliteDurableObjectStorage;
}

interface Timing {
  opsPerSecond: number;
  p50Us: number;
  p99Us: number;
}

/** Runs `op` n times, committing after each (one request's implicit transaction). */
function time(storage: SqliteDurableObjectStorage, n: number, op: (i: number) => void): Timing {
  const samples = new Float64Array(n);
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    op(i);
    storage.flush();
    samples[i] = (performance.now() - t0) * 1000;
  }
  const seconds = (performance.now() - started) / 1000;
  samples.sort();
  return { opsPerSecond: n / seconds, p50Us: samples[Math.floor(n * 0.5)]!, p99Us: samples[Math.floor(n * 0.99)]! };
}

async function apiRows(label: string, databases: () => ObjectDatabases, n: number): Promise<BenchRow[]> {
  const s = await objectStorage(databases());
  s.sql.exec("CREATE TABLE kvlike(k TEXT PRIMARY KEY, v INTEGER)");
  const kvPut = time(s, n, (i) => s.kv.put(`k${i}`, i));
  const kvGet = time(s, n, (i) => s.kv.get(`k${i}`));
  const sqlInsert = time(s, n, (i) => s.sql.exec("INSERT INTO kvlike VALUES (?, ?)", `k${i}`, i));
  const sqlSelect = time(s, n, (i) => s.sql.exec("SELECT v FROM kvlike WHERE k = ?", `k${i}`).one());
  const row = (what: string, t: Timing, note?: string): BenchRow[] => [
    { name: `${label}: ${what}`, value: Math.round(t.opsPerSecond), unit: "ops/s", note: `p50 ${t.p50Us.toFixed(1)} µs, p99 ${t.p99Us.toFixed(1)} µs${note ? `; ${note}` : ""}` },
  ];
  return [
    ...row("kv.put", kvPut, "one transaction per put"),
    ...row("kv.get", kvGet),
    ...row("sql INSERT (bound)", sqlInsert),
    ...row("sql SELECT by key", sqlSelect),
    { name: `${label}: sql INSERT / kv.put time (p50)`, value: Number((sqlInsert.p50Us / kvPut.p50Us).toFixed(2)), unit: "x" },
  ];
}

/** Writes with and without the undo history, same object shape, same run. */
async function historyRows(n: number): Promise<BenchRow[]> {
  const measure = async (history: boolean): Promise<Timing> => {
    const s = await objectStorage(new MemoryObjectDatabases(settings(history)));
    s.sql.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b REAL)");
    return time(s, n, (i) => s.sql.exec("INSERT INTO t VALUES (?, ?, ?)", i, `row ${i}`, i / 3));
  };
  const without = await measure(false);
  const withHistory = await measure(true);
  return [
    { name: "sql INSERT, no history", value: Math.round(without.opsPerSecond), unit: "ops/s", note: `p50 ${without.p50Us.toFixed(1)} µs` },
    { name: "sql INSERT, with PITR history", value: Math.round(withHistory.opsPerSecond), unit: "ops/s", note: `p50 ${withHistory.p50Us.toFixed(1)} µs; one undo row per changed row` },
    // Medians: this machine is shared, and a mean over a few seconds mostly measures neighbours.
    { name: "PITR history cost on writes (p50 with / p50 without)", value: Number((withHistory.p50Us / without.p50Us).toFixed(2)), unit: "x" },
  ];
}

// ANCHOR: sql-beats-kv
/**
 * Orders of 50 customers over 30 days. Question: one customer's total over one week. With the
 * key-value API, keys are `order:<time>` and the object lists the week and filters; with SQL,
 * an index on (customer, at) answers from the rows that match.
 */
async function rangeQueryRows(orders: number): Promise<BenchRow[]> {
  const s = await objectStorage(new MemoryObjectDatabases(settings(true)));
  s.sql.exec("CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER, at INTEGER, amount REAL); CREATE INDEX by_customer ON orders(customer, at)");
  const day = 86_400_000;
  s.transactionSync(() => {
    for (let i = 0; i < orders; i++) {
      const order = { customer: i % 50, at: Math.floor((i / orders) * 30 * day), amount: (i % 97) + 0.5 };
      s.sql.exec("INSERT INTO orders (customer, at, amount) VALUES (?, ?, ?)", order.customer, order.at, order.amount);
      s.kv.put(`order:${String(order.at).padStart(13, "0")}:${i}`, order);
    }
  });
  s.flush();
  const from = String(7 * day).padStart(13, "0");
  const to = String(14 * day).padStart(13, "0");
  const viaKv = (): number => {
    let total = 0;
    for (const [, o] of s.kv.list<{ customer: number; amount: number }>({ start: `order:${from}`, end: `order:${to}` })) if (o.customer === 7) total += o.amount;
    return total;
  };
  const viaSql = (): number => s.sql.exec("SELECT sum(amount) AS total FROM orders WHERE customer = ? AND at >= ? AND at < ?", 7, 7 * day, 14 * day).one()["total"] as number;
  if (Math.abs(viaKv() - viaSql()) > 1e-6) throw new Error(`the two answers differ: ${viaKv()} vs ${viaSql()}`);
  const kv = time(s, 200, () => viaKv());
  const sql = time(s, 200, () => viaSql());
  return [
    { name: `one customer's weekly total over ${orders} orders, kv.list + filter`, value: Number(kv.p50Us.toFixed(1)), unit: "µs p50" },
    { name: `same, SQL sum() with an index on (customer, at)`, value: Number(sql.p50Us.toFixed(1)), unit: "µs p50" },
    { name: "kv.list / SQL time", value: Number((kv.p50Us / sql.p50Us).toFixed(1)), unit: "x" },
  ];
}
// ANCHOR_END: sql-beats-kv

export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "edge-kata-bench-sql-"));
  try {
    return [
      ...(await apiRows("memory", () => new MemoryObjectDatabases(settings(true)), 5_000)),
      ...(await apiRows("file (WAL, synchronous=FULL)", () => new FileObjectDatabases(dir, settings(true)), 300)),
      ...(await historyRows(5_000)),
      ...(await rangeQueryRows(20_000)),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await run();
  printRows(rows);
}
