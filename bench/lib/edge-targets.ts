/**
 * The two benchmark workloads (a hello-world worker and a KV-reading worker, both in
 * bench/fixtures/) and the ways to serve them with this platform:
 *
 * - "full": `startEdgeServer`, exactly what `npm start --config` runs (anycast choice, L3/L4
 *   scrubbing, modelled TLS, WAF at PL1, the worker, cache, `server-timing`), storage in memory.
 * - "waf-off": the same pipeline built from `Edge` with `waf: false` behind `startHttpServer`,
 *   to show what the WAF costs per request.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Edge, PerPopWorkers } from "../../src/edge/index.js";
import { KvStore, MemoryKvBackend } from "../../src/kv/index.js";
import { startEdgeServer } from "../../src/server/edge-server.js";
import { startHttpServer } from "../../src/server/http-server.js";
import { loadSiteConfig } from "../../src/server/site-config.js";
import { POPS, Rng, WallClock } from "../../src/sim/index.js";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

export interface Workload {
  name: string;
  /** wrangler.toml whose `main` is the worker file. */
  configPath: string;
  /** The worker's source, for peers that take a script. */
  script: string;
  /** The body a correct answer has (checked before measuring). */
  expect: string;
  /** A KV key and value to store before measuring, if the worker reads one. */
  seed?: { key: string; value: string };
}

export const WORKLOADS: readonly Workload[] = [
  { name: "hello world", configPath: join(FIXTURES, "hello.wrangler.toml"), script: readFileSync(join(FIXTURES, "hello.js"), "utf8"), expect: "hello" },
  {
    name: "KV read",
    configPath: join(FIXTURES, "kv-read.wrangler.toml"),
    script: readFileSync(join(FIXTURES, "kv-read.js"), "utf8"),
    expect: "hello from KV",
    seed: { key: "greeting", value: "hello from KV" },
  },
];

export type EdgeVariant = "full" | "waf-off";

export interface RunningTarget {
  url: string;
  close(): Promise<void>;
}

/** Starts the workload on 127.0.0.1 (free port), seeds its key and checks one answer. */
export async function startEdgeTarget(workload: Workload, variant: EdgeVariant): Promise<RunningTarget> {
  const target = variant === "full" ? await startEdgeServer({ host: "127.0.0.1", port: 0, configPath: workload.configPath, dataDir: ":memory:" }) : await startWithoutWaf(workload);
  try {
    if (workload.seed) {
      // Through the server, as a user would: the worker's PUT branch writes the key at the PoP
      // that loopback clients land on, which then reads its own write.
      const put = await fetch(target.url, { method: "PUT", body: workload.seed.value });
      if (!put.ok) throw new Error(`seeding ${workload.name} answered ${put.status}`);
    }
    await expectAnswer(target.url, workload);
  } catch (error) {
    await target.close();
    throw error;
  }
  return target;
}

/** Fails unless a GET answers 200 with the workload's expected body. */
export async function expectAnswer(url: string, workload: Workload): Promise<void> {
  const response = await fetch(url);
  const body = await response.text();
  if (response.status !== 200 || body !== workload.expect) throw new Error(`${workload.name} at ${url} answered ${response.status} ${JSON.stringify(body.slice(0, 80))}`);
}

async function startWithoutWaf(workload: Workload): Promise<RunningTarget> {
  const site = loadSiteConfig(workload.configPath);
  if (site.project === undefined) throw new Error(`${workload.configPath} has no main`);
  const clock = new WallClock();
  const kv = new KvStore({ clock, rng: new Rng(2026).fork("kv"), pops: POPS.map((p) => p.code), backend: new MemoryKvBackend() });
  const origin = async (): Promise<Response> => new Response("no origin in this benchmark\n", { status: 404 });
  const edge = new Edge({ clock, seed: 2026, origin, waf: false });
  edge.attachWorker(
    new PerPopWorkers({
      name: site.wrangler.name,
      source: readFileSync(site.project.main, "utf8"),
      clock,
      bindings: { kv: Object.fromEntries(site.wrangler.kvNamespaces.map((b) => [b.binding, kv.namespace(b.id)])) },
      originFor: (pop) => edge.originFor(pop),
    }),
  );
  const http = await startHttpServer({
    host: "127.0.0.1",
    port: 0,
    handler: async (request, ctx) => {
      const result = await edge.handle(request, { clientIp: ctx.clientIp });
      return result.drop ? null : result.response;
    },
  });
  return {
    url: http.url,
    close: async () => {
      await http.close();
      edge.attachWorker(undefined);
    },
  };
}
