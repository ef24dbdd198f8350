import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, EXIT_USAGE } from "../../../src/core/errors.js";
import { planMigrations } from "../../../src/durable-objects/index.js";
import { listenError } from "../../../src/server/http-server.js";
import { loadSiteConfig } from "../../../src/server/site-config.js";

const dir = mkdtempSync(join(tmpdir(), "edge-kata-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("ConfigError: command-line and config failures carry an exit code, not an HTTP status", () => {
  it("a config file that cannot be read is CONFIG_NOT_FOUND", () => {
    const error = thrown(() => loadSiteConfig(join(dir, "missing.toml")));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: "CONFIG_NOT_FOUND", exitCode: EXIT_USAGE });
    expect(error).not.toHaveProperty("status");
  });

  it("a main that does not exist is CONFIG_INVALID naming it", () => {
    const path = join(dir, "wrangler.toml");
    writeFileSync(path, 'name = "w"\nmain = "src/nowhere.ts"\ncompatibility_date = "2026-01-01"\n');
    const error = thrown(() => loadSiteConfig(path));
    expect(error).toMatchObject({ code: "CONFIG_INVALID", exitCode: EXIT_USAGE });
    expect((error as Error).message).toContain('main = "src/nowhere.ts"');
  });

  it("a busy port, a privileged port and a foreign host are config failures; other errors pass through", () => {
    const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });
    expect(listenError(errno("EADDRINUSE"), "127.0.0.1", 8787)).toMatchObject({ code: "PORT_IN_USE", exitCode: EXIT_USAGE });
    expect(listenError(errno("EACCES"), "127.0.0.1", 80)).toMatchObject({ code: "PORT_FORBIDDEN" });
    expect(listenError(errno("EADDRNOTAVAIL"), "10.9.9.9", 8787)).toMatchObject({ code: "HOST_UNAVAILABLE" });
    const other = errno("EMFILE");
    expect(listenError(other, "127.0.0.1", 8787)).toBe(other);
  });

  it("migrations that cannot apply are a config failure too", () => {
    expect(thrown(() => planMigrations([], ["v1"]))).toMatchObject({ code: "DO_MIGRATION_INVALID", exitCode: EXIT_USAGE });
  });
});
