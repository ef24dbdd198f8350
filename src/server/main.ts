/**
 * `npm start`: the local edge on http://127.0.0.1:8787 — the whole pipeline in wall time with
 * a demo site (a worker using KV and a Durable Object), or in front of your own app:
 *   npm start -- --origin http://127.0.0.1:3000
 *   npm start -- --config wrangler.toml --port 8788
 *   npm start -- --config wrangler.toml --env staging --watch
 */
import { ConfigError, EdgeError } from "../core/errors.js";
import { POPS } from "../sim/index.js";
import { parseServerArgs, SERVER_EXIT_USAGE, serverUsage } from "./args.js";
import { startEdgeServer } from "./edge-server.js";

if (!process.execArgv.includes("--no-node-snapshot")) {
  console.error("edge-kata: start node with --no-node-snapshot (isolated-vm needs it on Node 20); use `npm start`.");
  process.exit(1);
}

try {
  const args = parseServerArgs(process.argv.slice(2));
  if (args.help === true) {
    process.stdout.write(serverUsage());
    process.exit(0);
  }
  // `--crs auto` runs the OWASP CRS when installed. Not yet the default: CRS at PL1 blocks some
  // of the project's own examples (942220 on "-2147483648", 920350 for a numeric Host).
  const running = await startEdgeServer(args);
  console.log(`edge-kata: ${POPS.length} PoPs, listening on ${running.url}`);
  const site = args.originUrl ? `proxy to ${args.originUrl}` : args.configPath ? `site from ${args.configPath}${args.env === undefined ? "" : ` [env.${args.env}]`}` : "demo site";
  console.log(`  ${site}: ${running.url}/   book: ${running.url}/book/   status: ${running.url}/__edge/status`);
  if (args.watch === true) console.log("  watching the worker's files: a save rebuilds it, a broken save keeps the running version");
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void running.close().then(() => process.exit(0)));
  }
} catch (error) {
  // A bad option, config or busy port is one line the user can act on, with its exit code;
  // anything else is a bug: its stack.
  console.error(error instanceof ConfigError || error instanceof EdgeError ? `edge-kata: ${error.message}` : error);
  process.exit(error instanceof ConfigError ? error.exitCode : SERVER_EXIT_USAGE);
}
