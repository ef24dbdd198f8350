/**
 * The linearizability checker at Jepsen scale: time and search steps per verdict for
 * key-value histories of 1 to 50 clients and 10² to 10⁴ operations (gets and unique appends
 * over 10 keys, as Jepsen's and Porcupine's key-value tests use), each linearizable by
 * construction and once more with one lost append (refuted), and the largest on worker threads.
 *
 * Published Jepsen histories with known verdicts (e.g. Porcupine's test data: etcd registers
 * and 1-50 client key-value logs) can be added with `LIN_HISTORIES=<folder>`: every `.log` is
 * read as an etcd register history, every `.txt` as a key-value history, and the verdicts are
 * checked against a `verdicts.txt` of `name true|false` lines when there is one.
 *
 * Run alone: `node --import tsx bench/lin.ts`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { checkLinearizable, kvModel, type KvInput, type KvOutput, type Operation } from "../src/lin/index.js";
import { modelByName, readHistoryFile } from "../src/lin/history-file.js";
import { checkLinearizableParallel } from "../src/lin/parallel.js";
import { kvAnswer, loseAnAppend, randomHistory } from "../src/lin/random-history.js";
import { Rng } from "../src/sim/index.js";
import type { BenchRow } from "./run.js";

const KEYS = 10;

function history(clients: number, operations: number, seed: number): Operation<KvInput, KvOutput>[] {
  let n = 0;
  return randomHistory({
    model: kvModel({ missing: "" }),
    answer: kvAnswer(""),
    rng: new Rng(seed),
    clients,
    operations,
    durationMean: 3,
    pauseMean: 6,
    input: (rng) => {
      const key = `k${rng.int(0, KEYS - 1)}`;
      return rng.bool(0.4) ? { kind: "get" as const, key } : { kind: "append" as const, key, value: `[${n++}]` };
    },
  });
}

/** Median of three timed checks (CPU time of this thread, so other load inflates it less). */
function timed<T>(check: () => T): { ms: number; result: T } {
  const times: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < 3; i++) {
    const before = process.cpuUsage();
    result = check();
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  return { ms: times[1] as number, result: result as T };
}

function generated(): BenchRow[] {
  const rows: BenchRow[] = [];
  const model = kvModel({ missing: "" });
  for (const clients of [1, 10, 50]) {
    for (const operations of [100, 1_000, 10_000]) {
      const ok = history(clients, operations, clients * 7 + operations);
      const bad = loseAnAppend(ok, new Rng(operations)) ?? ok;
      for (const [label, h] of [["linearizable", ok], ["one lost append", bad]] as const) {
        const { ms, result } = timed(() => checkLinearizable(model, h, { stepsMax: 200_000_000 }));
        rows.push({ name: `${clients} client(s), ${operations} ops, ${label}`, value: ms, unit: "ms CPU", note: `verdict ${String(result.ok)}, ${result.steps ?? "?"} steps` });
      }
    }
  }
  return rows;
}

async function threads(): Promise<BenchRow[]> {
  const h = history(50, 10_000, 99) as Operation<unknown, unknown>[];
  const spec = { model: "kv" as const, modelOptions: { missing: "" } };
  const rows: BenchRow[] = [];
  for (const threadCount of [1, 2]) {
    const started = performance.now();
    const result = await checkLinearizableParallel(spec, h, { threads: threadCount });
    rows.push({ name: `50 clients, 10000 ops, ${threadCount} thread(s)`, value: performance.now() - started, unit: "ms wall", note: `verdict ${String(result.ok)}; threads start from source (tsx) in each run` });
  }
  return rows;
}

/** Optional: a folder of published histories with known verdicts. */
function published(dir: string): BenchRow[] {
  const verdictsFile = join(dir, "verdicts.txt");
  const expected = new Map<string, string>();
  if (existsSync(verdictsFile)) for (const line of readFileSync(verdictsFile, "utf8").split("\n")) if (line.trim()) expected.set(line.split(/\s+/)[0] as string, line.split(/\s+/)[1] as string);
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : /\.(log|txt)$/.test(f) && f !== "verdicts.txt" && files.push(join(d, f));
  };
  walk(dir);
  let totalMs = 0;
  let worst = { ms: 0, name: "" };
  let wrong = 0;
  let undecided = 0;
  let empty = 0;
  for (const file of files.sort()) {
    // Some published logs are empty (the cluster under test never started).
    if (readFileSync(file, "utf8").trim() === "") {
      empty++;
      continue;
    }
    const parsed = readHistoryFile(readFileSync(file, "utf8"), file.endsWith(".txt") ? "kv" : "cas-register");
    const model = modelByName(parsed.model, parsed.modelOptions);
    const before = process.cpuUsage();
    const result = checkLinearizable(model, parsed.operations);
    const used = process.cpuUsage(before);
    const ms = (used.user + used.system) / 1000;
    totalMs += ms;
    const name = file.split("/").pop()?.replace(/\.(log|txt)$/, "") ?? file;
    if (ms > worst.ms) worst = { ms, name };
    if (result.ok === "unknown") undecided++;
    const want = expected.get(name);
    if (want !== undefined && want !== String(result.ok)) wrong++;
  }
  return [
    { name: `published histories: all ${files.length - empty}`, value: totalMs, unit: "ms CPU", note: `${wrong} verdict(s) differ from the known ones, ${undecided} undecided${empty > 0 ? `, ${empty} empty file(s) skipped` : ""}` },
    { name: "published histories: slowest", value: worst.ms, unit: "ms CPU", note: worst.name },
  ];
}

export async function run(): Promise<BenchRow[]> {
  const dir = process.env.LIN_HISTORIES;
  return [...generated(), ...(await threads()), ...(dir ? published(dir) : [])];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await run()) console.log(`| ${row.name} | ${row.value.toFixed(1)} | ${row.unit} | ${row.note ?? ""} |`);
}
