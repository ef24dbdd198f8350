import { Agent, request } from "node:http";

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMsP50: number;
  latencyMsP99: number;
  /** Responses by HTTP status (measured phase only), so a run of fast 4xx answers is visible. */
  statuses: Record<string, number>;
}

export interface LoadOptions {
  /** Must be a loopback URL: load tests never leave this machine. */
  url: string;
  /** Concurrent keep-alive connections. @defaultValue 32 */
  connections?: number;
  /** How long to run. @defaultValue 3000 */
  durationMs?: number;
  /** Requests sent before measuring. @defaultValue 200 */
  warmupRequests?: number;
  headers?: Record<string, string>;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/**
 * A small closed-loop HTTP load generator (like autocannon, with no dependency): each
 * connection sends its next request when the previous response ends. Bounded in time.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) throw new Error(`load tests target loopback only, not ${url.hostname}`);
  const connections = options.connections ?? 32;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const statuses: Record<string, number> = {};
  let counting = false;
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request(url, { agent, headers: options.headers }, (res) => {
        res.resume();
        if (counting) statuses[String(res.statusCode)] = (statuses[String(res.statusCode)] ?? 0) + 1;
        res.on("end", () => (res.statusCode && res.statusCode < 500 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on("error", reject);
      req.end();
    });
  for (let i = 0; i < (options.warmupRequests ?? 200); i++) await once().catch(() => undefined);
  const latencies: number[] = [];
  let errors = 0;
  counting = true;
  const deadline = performance.now() + (options.durationMs ?? 3000);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        try {
          latencies.push(await once());
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds,
    requestsPerSecond: latencies.length / seconds,
    latencyMsP50: percentile(latencies, 0.5),
    latencyMsP99: percentile(latencies, 0.99),
    statuses,
  };
}
