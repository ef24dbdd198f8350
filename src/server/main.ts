/**
 * `npm start`: the local edge on http://127.0.0.1:8787. Until the full pipeline is wired in
 * (src/edge), it serves a status page and a hello-world answer with the edge's headers.
 */
import { EdgeError } from "../core/errors.js";
import { POPS } from "../sim/index.js";
import { parseServerArgs } from "./args.js";
import { startHttpServer } from "./http-server.js";

if (!process.execArgv.includes("--no-node-snapshot")) {
  console.error("edge-kata: start node with --no-node-snapshot (isolated-vm needs it on Node 20); use `npm start`.");
  process.exit(1);
}

let args;
try {
  args = parseServerArgs(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof EdgeError ? error.message : error);
  process.exit(2);
}

const running = await startHttpServer({
  host: args.host,
  port: args.port,
  handler: async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/healthz") return new Response("ok\n");
    const body = `edge-kata: ${POPS.length} PoPs simulated. You asked for ${url.pathname}\n`;
    return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8" } });
  },
});
console.log(`edge-kata listening on ${running.url}  (Ctrl-C to stop)`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void running.close().then(() => process.exit(0)));
}
