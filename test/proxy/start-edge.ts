import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEdgeServer } from "../../src/server/edge-server.js";
import { DEMO_WORKER_PATH } from "../../src/server/site-config.js";

export interface RunningEdge {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The real server of `npm start -- --origin URL` on 127.0.0.1, port 0, with storage in memory.
 * `no-worker` is `--origin` alone (a pure caching proxy); `demo-worker` adds a config whose
 * `main` is the demo Worker, which then runs in front of the cache.
 */
export async function startEdgeUnderTest(originUrl: string, mode: "no-worker" | "demo-worker"): Promise<RunningEdge> {
  let configDir: string | undefined;
  let configPath: string | undefined;
  if (mode === "demo-worker") {
    // `--origin` alone runs no worker; a config with `main` puts the demo worker in front.
    configDir = mkdtempSync(join(tmpdir(), "edge-kata-proxy-"));
    configPath = join(configDir, "wrangler.toml");
    writeFileSync(
      configPath,
      [
        `name = "demo"`,
        `main = ${JSON.stringify(DEMO_WORKER_PATH)}`,
        `[vars]`,
        `GREETING = "hello from edge-kata"`,
        `[[kv_namespaces]]`,
        `binding = "DEMO_KV"`,
        `id = "demo-kv"`,
        `[[durable_objects.bindings]]`,
        `name = "COUNTER"`,
        `class_name = "Counter"`,
        ``,
      ].join("\n"),
    );
  }
  const running = await startEdgeServer({ host: "127.0.0.1", port: 0, originUrl, dataDir: ":memory:", ...(configPath ? { configPath } : {}) });
  return {
    url: running.url,
    close: async () => {
      await running.close();
      if (configDir) rmSync(configDir, { recursive: true, force: true });
    },
  };
}
