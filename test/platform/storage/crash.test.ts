import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStorage } from "../../../src/storage/index.js";

const WRITER = fileURLToPath(new URL("./fixtures/crash-writer.ts", import.meta.url));
const ACKS_BEFORE_KILL = 60;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the writer until it has acknowledged enough writes, SIGKILLs it, returns what it acknowledged. */
function writeUntilKilled(dbPath: string): Promise<{ acked: number[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WRITER, dbPath], { stdio: ["ignore", "pipe", "pipe"] });
    const acked: number[] = [];
    let buffered = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) if (line.startsWith("ack ")) acked.push(Number(line.slice(4)));
      if (acked.length >= ACKS_BEFORE_KILL && child.exitCode === null && !child.killed) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`writer exited with ${code} before it was killed: ${stderr}`));
      else resolve({ acked, signal });
    });
  });
}

describe("SqliteStorage durability", () => {
  it("every write acknowledged before SIGKILL is present after reopening", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edge-kata-crash-"));
    dirs.push(dir);
    const dbPath = join(dir, "edge.sqlite");
    const { acked, signal } = await writeUntilKilled(dbPath);
    expect(signal).toBe("SIGKILL");
    expect(acked.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
    expect(acked).toEqual(acked.map((_, i) => i));

    const storage = SqliteStorage.open(dbPath);
    try {
      const stored = await storage.read(
        { namespace: "CRASH", objectId: "writer" },
        acked.map((i) => `k${i}`),
      );
      const kv = storage.kvTable("CRASH_KV");
      for (const i of acked) {
        expect(new TextDecoder().decode(stored.get(`k${i}`))).toBe(String(i));
        // The KV row is written after the DO row and before the ack, so it must be there too.
        expect(kv.get(`k${i}`)?.writtenAtMs).toBe(i);
      }
    } finally {
      storage.close();
    }
  }, 30_000);
});
