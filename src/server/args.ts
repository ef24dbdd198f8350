import { ConfigError, EXIT_USAGE } from "../core/errors.js";

export interface ServerArgs {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  configPath?: string;
  /** `--env <name>`: apply wrangler.toml's `[env.<name>]` section. */
  env?: string;
  /** `--watch`: rebuild the worker when one of its files changes. */
  watch?: boolean;
  originUrl?: string;
  dataDir?: string;
  /** `--help`: print the usage and exit 0; nothing starts. */
  help?: boolean;
  /** `--crs DIR`: the OWASP CRS to load; `--crs off` runs the built-in managed rules. */
  crs?: string;
  /** `--paranoia N`: the CRS paranoia level, 1..4. */
  paranoiaLevel?: number;
}

export const SERVER_PORT_DEFAULT = 8787; // wrangler dev's default port
export const SERVER_HOST_DEFAULT = "127.0.0.1";

/** Exit code of `npm start` for a bad command line or a port it cannot listen on. */
export const SERVER_EXIT_USAGE = EXIT_USAGE;

interface OptionSpec {
  readonly flag: string;
  /** The value's placeholder in the usage, or undefined for a switch. */
  readonly value?: string;
  readonly help: string;
  readonly apply: (args: ServerArgs, value: string) => void;
}

/** Every option `npm start` takes: the parser and `--help` are both built from this one table. */
const OPTIONS: readonly OptionSpec[] = [
  {
    flag: "--port",
    value: "n",
    help: `port to listen on, 0..65535 (0 picks a free one) [default: ${SERVER_PORT_DEFAULT}]`,
    apply: (args, value) => {
      const port = Number(value);
      if (value.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) throw usage(`--port must be an integer 0..65535, got "${value}"`);
      args.port = port;
    },
  },
  { flag: "--host", value: "addr", help: `address to listen on [default: ${SERVER_HOST_DEFAULT}]`, apply: (args, value) => void (args.host = value) },
  { flag: "--config", value: "file", help: "run your worker project from its wrangler.toml [default: the demo site]", apply: (args, value) => void (args.configPath = value) },
  { flag: "--env", value: "name", help: "apply the [env.<name>] section of the --config file", apply: (args, value) => void (args.env = value) },
  { flag: "--watch", help: "rebuild the worker when one of its files (or wrangler.toml) changes", apply: (args) => void (args.watch = true) },
  { flag: "--origin", value: "url", help: "put the edge in front of your own app (a caching reverse proxy)", apply: (args, value) => void (args.originUrl = value) },
  { flag: "--data", value: "dir", help: 'where KV and Durable Object storage persist (":memory:" keeps nothing) [default: .edge-data]', apply: (args, value) => void (args.dataDir = value) },
  {
    flag: "--crs",
    value: "dir|auto|off",
    help: 'managed WAF rules: an OWASP CRS directory, "auto" (Debian\'s modsecurity-crs when installed) or "off" (the built-in rules) [default: off]',
    apply: (args, value) => void (args.crs = value),
  },
  {
    flag: "--paranoia",
    value: "n",
    help: "the CRS paranoia level, 1..4 [default: 1]",
    apply: (args, value) => {
      const pl = Number(value);
      if (![1, 2, 3, 4].includes(pl)) throw usage(`--paranoia must be 1, 2, 3 or 4, got "${value}"`);
      args.paranoiaLevel = pl;
    },
  },
  { flag: "--help", help: "print this help and exit", apply: (args) => void (args.help = true) },
];

const BY_FLAG = new Map(OPTIONS.map((o) => [o.flag, o]));
BY_FLAG.set("-h", BY_FLAG.get("--help")!);

function usage(message: string): ConfigError {
  return new ConfigError("BAD_ARGUMENT", `${message} (npm start -- --help lists the options)`);
}

/** The text `npm start -- --help` prints: one line per option, from the same table the parser reads. */
export function serverUsage(): string {
  const left = (o: OptionSpec): string => (o.value === undefined ? o.flag : `${o.flag} <${o.value}>`) + (o.flag === "--help" ? ", -h" : "");
  const width = Math.max(...OPTIONS.map((o) => left(o).length));
  return [
    "Usage: npm start -- [options]",
    "",
    "The local edge: anycast, DDoS filtering, the WAF, a Worker in a V8 isolate, the tiered cache",
    "and KV/Durable Objects, behind a real HTTP server. Add ?pop=SYD to a URL to pick a PoP.",
    "",
    "Options:",
    ...OPTIONS.map((o) => `  ${left(o).padEnd(width)}  ${o.help}`),
    "",
    "Examples:",
    "  npm start -- --port 8788",
    "  npm start -- --origin http://127.0.0.1:3000",
    "  npm start -- --config my-worker/wrangler.toml --env staging --watch",
    "",
  ].join("\n");
}

/** Parses `npm start -- [options]`; a bad or unknown option is a BAD_ARGUMENT error naming it. */
export function parseServerArgs(argv: readonly string[]): ServerArgs {
  const args: ServerArgs = { host: SERVER_HOST_DEFAULT, port: SERVER_PORT_DEFAULT };
  for (let i = 0; i < argv.length; i++) {
    const given = argv[i]!;
    // `--port=8788` is the same as `--port 8788`.
    const eq = given.startsWith("--") ? given.indexOf("=") : -1;
    const flag = eq === -1 ? given : given.slice(0, eq);
    const spec = BY_FLAG.get(flag);
    if (spec === undefined) {
      if (!flag.startsWith("-")) throw usage(`unexpected argument "${given}"; options start with --`);
      const near = flag.length > 3 ? OPTIONS.find((o) => o.flag.startsWith(flag) || flag.startsWith(o.flag) || editDistance(o.flag, flag) <= 2) : undefined;
      throw usage(`unknown option ${flag}${near ? `; did you mean ${near.flag}?` : ""}`);
    }
    if (spec.value === undefined) {
      if (eq !== -1) throw usage(`${flag} takes no value`);
      spec.apply(args, "");
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = given.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw usage(`${flag} needs a value <${spec.value}>`);
      i++;
    }
    spec.apply(args, value);
  }
  if (args.help === true) return args;
  if (args.env !== undefined && args.configPath === undefined) throw usage("--env selects a section of the --config file; give --config too");
  return args;
}

/** Levenshtein distance with adjacent transpositions (`--prot` is one step from `--port`). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
