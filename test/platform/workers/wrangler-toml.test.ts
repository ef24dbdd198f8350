// The wrangler.toml reader: a realistic file, the TOML forms it must read, environments,
// line-numbered errors for what it must refuse and line-numbered warnings for what it ignores.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/sim/clock.js";
import { Worker, parseWranglerToml, workerConfigFromWrangler } from "../../../src/workers/index.js";
import { FakeDurableObjectNamespace, FakeKv } from "./fakes.js";

const EXAMPLE = `# A worker with every binding this platform understands.
name = "shop-api"
main = "src/index.js"
compatibility_date = "2024-09-23"

[vars]
ENVIRONMENT = "production"
GREETING = 'literal \\n stays'
ESCAPED = "tab\\there \\u00e9"

[[kv_namespaces]]
binding = "CACHE"   # inline comment
id = "0f2ac74b498b48028cb68387c421e279"

[[kv_namespaces]]
binding = "SESSIONS"
id = "1f2ac74b498b48028cb68387c421e279"

[durable_objects]
bindings = [
  { name = "COUNTER", class_name = "Counter" },
  { name = "ROOMS", class_name = "ChatRoom" },  # trailing comma allowed
]

[triggers]
crons = ["*/5 * * * *", "0 0 * * 1"]

[limits]
cpu_ms = 50
`;

describe("parseWranglerToml", () => {
  it("reads name, main, vars, KV namespaces, Durable Object bindings, crons and CPU limit", () => {
    expect(parseWranglerToml(EXAMPLE)).toEqual({ warnings: [], config: {
      name: "shop-api",
      main: "src/index.js",
      compatibilityDate: "2024-09-23",
      vars: { ENVIRONMENT: "production", GREETING: "literal \\n stays", ESCAPED: "tab\there é" },
      kvNamespaces: [
        { binding: "CACHE", id: "0f2ac74b498b48028cb68387c421e279" },
        { binding: "SESSIONS", id: "1f2ac74b498b48028cb68387c421e279" },
      ],
      durableObjects: [
        { name: "COUNTER", className: "Counter" },
        { name: "ROOMS", className: "ChatRoom" },
      ],
      crons: ["*/5 * * * *", "0 0 * * 1"],
      cpuMsMax: 50,
      compatibilityFlags: [],
      rules: [],
      migrations: [],
      define: {},
      minify: false,
    } });
  });

  it("becomes a WorkerConfig whose bindings and CPU limit reach the worker's env", async () => {
    const cache = new FakeKv();
    await cache.put("k", "from KV");
    const parsed = parseWranglerToml(EXAMPLE).config;
    const config = workerConfigFromWrangler(parsed, {
      kvById: { "0f2ac74b498b48028cb68387c421e279": cache, "1f2ac74b498b48028cb68387c421e279": new FakeKv() },
      durableObjectsByClass: { Counter: new FakeDurableObjectNamespace(), ChatRoom: new FakeDurableObjectNamespace() },
    });
    expect(config.cpuMsMax).toBe(50);
    const w = new Worker(
      `export default { async fetch(request, env) { return Response.json([env.ENVIRONMENT, await env.CACHE.get("k"), typeof env.ROOMS.idFromName]); } };`,
      { ...config, cpuMsMax: 1_000 },
      { clock: new VirtualClock(0) },
    );
    const r = await w.fetch(new Request("https://shop.example/"));
    expect(await r.response.json()).toEqual(["production", "from KV", "function"]);
    w.dispose();
    expect(() => workerConfigFromWrangler(parsed, {})).toThrow(expect.objectContaining({ code: "WORKER_CONFIG_INVALID" }));
  });

  it("accepts dotted keys and [[durable_objects.bindings]] tables as equivalent forms", () => {
    const text = `name = "x"\nlimits.cpu_ms = 20\n[[durable_objects.bindings]]\nname = "A"\nclass_name = "Alpha"\n`;
    expect(parseWranglerToml(text).config).toMatchObject({ cpuMsMax: 20, durableObjects: [{ name: "A", className: "Alpha" }] });
  });

  it.each([
    ['name = "a"\nmain = src/index.js\n', "line 2, column 8", "invalid value"],
    ['name = "a"\n[vars]\nA = "1"\n[vars]\n', "line 4, column 2", "redefine"],
    ['name = "a"\nname = "b"\n', "line 2, column 1", "redefine"],
    ['name = "a"\n\n[[kv_namespaces]]\nbinding = "KV"\n', "line 3", '"id" is required'],
    ['main = "x.js"\n', "line 1", '"name" is required'],
    ['name = "a"\n[limits]\ncpu_ms = -5\n', "line 3", "positive integer"],
    ['name = "a"\n[limits]\ncpu_ms = 1.5\n', "line 3", "positive integer"],
    ['name = "a"\n[triggers]\ncrons = [\n  "* * * * *",\n  "* * *",\n]\n', "line 5", "5 fields"],
    ['name = "a"\ncompatibility_date = 2024-01-01\n', "line 2", "not a TOML date"],
    ['name = "a"\ncompatibility_date = "2024-02-30"\n', "line 2", "YYYY-MM-DD"],
    ['name = "a"\ncompatibility_flags = "nodejs_compat"\n', "line 2", "array of strings"],
    ['name = "a"\ncompatibility_flags = [\n  "nodejs_compat",\n  3,\n]\n', "line 4", "item 1 is number 3"],
    ['name = "unterminated\n', "line 1, column 21", "control characters"],
    ['name = "a" extra\n', "line 1, column 12", "end-of-line"],
    ['name = "a"\ncrons = [1, 2\n', "line 3, column 1", "expected comma"],
    ['name = "a"\n[vars]\nOK = "1"\nN = 3\n', "line 4", "vars.N must be a string"],
    ['name = "a"\n[[rules]]\ntype = "Yaml"\nglobs = ["**/*.yml"]\n', "line 3", "rules type must be one of"],
    ['name = "a"\n[[rules]]\ntype = "Text"\n', "line 2", '"rules[0].globs" must be an array of strings'],
    ['name = "a"\n[[rules]]\ntype = "Text"\nglobs = ["*.md"]\nfallthrough = "yes"\n', "line 5", "true or false"],
    ['name = "a"\n[build]\ncommand = 3\n', "line 3", '"command" is required'],
    ['name = "a"\n[[migrations]]\ntag = "v1"\n[[migrations]]\ntag = "v1"\n', "line 5", 'tag "v1" is used twice'],
    ['name = "a"\n[[migrations]]\ntag = "v1"\nrenamed_classes = [{ from = "A" }]\n', "line 4", '"to" is required'],
    ['name = "a"\nlimits = 5\n', "line 2", '"limits" must be a table'],
    ['name = "a"\n[durable_objects]\nbindings = [\n  { name = "A", class_name = "Alpha" },\n  { name = "B" },\n]\n', "line 5", '"class_name" is required'],
  ])("rejects %j at %s (%s)", (text, where, why) => {
    expect(() => parseWranglerToml(text)).toThrow(expect.objectContaining({ code: "WRANGLER_TOML_INVALID", name: "ConfigError", exitCode: 2 }));
    expect(() => parseWranglerToml(text)).toThrow(`wrangler.toml ${where}:`);
    expect(() => parseWranglerToml(text)).toThrow(why);
  });

  it("names the line of the one broken table among many, wherever blank lines and comments fall", () => {
    const filler = fc.constantFrom("", "# a comment", "   ", "# [[kv_namespaces]] in a comment", 'note = """\nid = "not a key"\n"""');
    fc.assert(
      fc.property(fc.array(fc.array(filler, { maxLength: 3 }), { minLength: 1, maxLength: 6 }), fc.nat(), (gaps, pick) => {
        const broken = pick % gaps.length;
        const lines = ['name = "many"'];
        let expected = 0;
        gaps.forEach((gap, i) => {
          lines.push(...gap.filter((g) => !g.startsWith("note")));
          lines.push("[[kv_namespaces]]");
          if (i === broken) expected = lines.length;
          lines.push(`binding = "KV${i}"`);
          if (i !== broken) lines.push(`id = "${i}"`);
          // A multi-line string value whose lines look like keys must not count.
          if (gap.some((g) => g.startsWith("note"))) lines.push('preview_id = """', 'id = "x"', '"""');
        });
        const text = `${lines.join("\n")}\n`;
        expect(() => parseWranglerToml(text)).toThrow(`wrangler.toml line ${expected}: "id" is required`);
      }),
      { numRuns: 200 },
    );
  });

  it("warns about unknown keys with their line, as wrangler does, and keeps reading", () => {
    const text = [
      'name = "w"',
      'main = "src/index.ts"',
      "workers_dev = true",
      'account_id = "abc"',
      "colour = 3",
      "[limits]",
      "cpu_ms = 20",
      "memory_mb = 1",
      "[[r2_buckets]]",
      'binding = "B"',
      "[[rules]]",
      'type = "Text"',
      'globs = ["**/*.md"]',
      'glob = "typo"',
      "",
    ].join("\n");
    const { config, warnings } = parseWranglerToml(text);
    expect(config).toMatchObject({ name: "w", cpuMsMax: 20, rules: [{ type: "Text", globs: ["**/*.md"] }] });
    expect(warnings).toEqual([
      'wrangler.toml line 5: Unexpected fields found in top-level field: "colour"',
      `wrangler.toml line 9: "r2_buckets" is not supported by this platform: these bindings are not in the worker's env`,
      'wrangler.toml line 8: Unexpected fields found in limits field: "memory_mb"',
      'wrangler.toml line 14: Unexpected fields found in rules field: "glob"',
    ]);
  });

  it("reads compatibility settings, build, rules, migrations, define and minify", () => {
    const text = `name = "full"
main = "src/index.ts"
compatibility_date = "2024-09-23"
compatibility_flags = ["nodejs_compat"]
minify = true
jsx_factory = "h"
[define]
"process.env.MODE" = '"test"'
[build]
command = "node gen.js"
cwd = "tools"
watch_dir = "lib"
[[rules]]
type = "Data"
globs = ["**/*.dat"]
fallthrough = true
[[migrations]]
tag = "v1"
new_classes = ["Counter"]
[[migrations]]
tag = "v2"
new_sqlite_classes = ["Room"]
renamed_classes = [{ from = "Counter", to = "Tally" }]
deleted_classes = ["Old"]
`;
    expect(parseWranglerToml(text)).toEqual({
      warnings: [],
      config: expect.objectContaining({
        compatibilityDate: "2024-09-23",
        compatibilityFlags: ["nodejs_compat"],
        minify: true,
        jsxFactory: "h",
        define: { "process.env.MODE": '"test"' },
        build: { command: "node gen.js", cwd: "tools", watchDir: ["lib"] },
        rules: [{ type: "Data", globs: ["**/*.dat"], fallthrough: true }],
        migrations: [
          { tag: "v1", newClasses: ["Counter"], newSqliteClasses: [], renamedClasses: [], deletedClasses: [] },
          { tag: "v2", newClasses: [], newSqliteClasses: ["Room"], renamedClasses: [{ from: "Counter", to: "Tally" }], deletedClasses: ["Old"] },
        ],
      }),
    });
  });

  describe("environments (--env)", () => {
    const text = `name = "app"
main = "src/index.ts"
compatibility_date = "2024-09-23"
[vars]
MODE = "top"
[[kv_namespaces]]
binding = "KV"
id = "top-kv"
[limits]
cpu_ms = 10

[env.staging]
main = "src/staging.ts"
[env.staging.vars]
MODE = "staging"

[env.production]
name = "app-prod"
[[env.production.kv_namespaces]]
binding = "KV"
id = "prod-kv"
[env.production.bogus]
x = 1

[env."__proto__"]
workers_dev = false
`;

    it("without --env reads the top level and ignores the sections", () => {
      const { config, warnings } = parseWranglerToml(text);
      expect(config).toMatchObject({ name: "app", main: "src/index.ts", vars: { MODE: "top" }, kvNamespaces: [{ binding: "KV", id: "top-kv" }], cpuMsMax: 10 });
      expect(config.env).toBeUndefined();
      expect(warnings).toEqual([]);
    });

    it("inherits main, compatibility and limits; takes vars from the section; names the Worker <name>-<env>", () => {
      const { config, warnings } = parseWranglerToml(text, { env: "staging" });
      expect(config).toMatchObject({ name: "app-staging", env: "staging", main: "src/staging.ts", compatibilityDate: "2024-09-23", vars: { MODE: "staging" }, cpuMsMax: 10, kvNamespaces: [] });
      expect(warnings).toEqual([
        `wrangler.toml line 6: "kv_namespaces" exists at the top level, but not on "env.staging"; it is not inherited by environments, so env.staging has none`,
      ]);
    });

    it("uses the section's own name and bindings, and checks only the section in use", () => {
      const { config, warnings } = parseWranglerToml(text, { env: "production" });
      expect(config).toMatchObject({ name: "app-prod", main: "src/index.ts", vars: {}, kvNamespaces: [{ binding: "KV", id: "prod-kv" }] });
      expect(warnings).toContain('wrangler.toml line 22: Unexpected fields found in env.production field: "bogus"');
      expect(warnings.some((w) => w.includes("vars"))).toBe(true);
    });

    it("treats an environment called __proto__ as an ordinary name", () => {
      expect(parseWranglerToml(text, { env: "__proto__" }).config).toMatchObject({ name: "app-__proto__", vars: {} });
    });

    it("refuses an environment the file does not define, listing those it does", () => {
      expect(() => parseWranglerToml(text, { env: "qa" })).toThrow("no [env.qa] section; environments: staging, production, __proto__");
      expect(() => parseWranglerToml('name = "x"\n', { env: "constructor" })).toThrow("this file defines no environments");
    });
  });

  it("treats __proto__ and toString as ordinary keys (no prototype pollution)", () => {
    const parsed = parseWranglerToml('name = "p"\n[vars]\n__proto__ = "x"\ntoString = "y"\n').config;
    expect(Object.keys(parsed.vars)).toEqual(["__proto__", "toString"]);
    expect(Object.getPrototypeOf(parsed.vars)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)["x"]).toBeUndefined();
  });

  it("reads back any vars table written with escaped basic strings", () => {
    const key = fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/), fc.constantFrom("__proto__", "constructor", "toString"));
    fc.assert(
      fc.property(fc.dictionary(key, fc.string({ maxLength: 20 }), { maxKeys: 6 }), (vars) => {
        const lines = Object.entries(vars).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
        const text = `name = "p"\n[vars]\n${lines.join("\n")}\n`;
        expect(parseWranglerToml(text).config.vars).toEqual(vars);
      }),
      { numRuns: 100 },
    );
  });
});
