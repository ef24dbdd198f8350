import { EdgeError } from "../core/errors.js";

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
  /** `--crs DIR`: the OWASP CRS to load; `--crs off` runs the built-in managed rules. */
  crs?: string;
  /** `--paranoia N`: the CRS paranoia level, 1..4. */
  paranoiaLevel?: number;
}

export const SERVER_PORT_DEFAULT = 8787; // wrangler dev's default port

/** Parses `npm start -- [--port n] [--host h] [--config file] [--env name] [--watch] [--origin url] [--data dir] [--crs dir|off] [--paranoia n]`. */
export function parseServerArgs(argv: readonly string[]): ServerArgs {
  const args: ServerArgs = { host: "127.0.0.1", port: SERVER_PORT_DEFAULT };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const need = (): string => {
      if (value === undefined || value.startsWith("--")) throw new EdgeError("BAD_ARGUMENT", 2, `${flag} needs a value`);
      i++;
      return value;
    };
    switch (flag) {
      case "--port": {
        const port = Number(need());
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new EdgeError("BAD_ARGUMENT", 2, `--port must be 0..65535, got ${value}`);
        args.port = port;
        break;
      }
      case "--host":
        args.host = need();
        break;
      case "--config":
        args.configPath = need();
        break;
      case "--watch":
        args.watch = true;
        break;
      case "--env":
        args.env = need();
        break;
      case "--origin":
        args.originUrl = need();
        break;
      case "--data":
        args.dataDir = need();
        break;
      case "--crs":
        args.crs = need();
        break;
      case "--paranoia": {
        const pl = Number(need());
        if (![1, 2, 3, 4].includes(pl)) throw new EdgeError("BAD_ARGUMENT", 2, `--paranoia must be 1, 2, 3 or 4, got ${value}`);
        args.paranoiaLevel = pl;
        break;
      }
      default:
        throw new EdgeError("BAD_ARGUMENT", 2, `unknown option ${flag}; use --port, --host, --config, --env, --watch, --origin, --data, --crs, --paranoia`);
    }
  }
  if (args.env !== undefined && args.configPath === undefined) throw new EdgeError("BAD_ARGUMENT", 2, "--env selects a section of the --config file; give --config too");
  return args;
}
