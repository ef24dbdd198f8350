// The wrangler.toml subset parser: a realistic file, the TOML forms it must read, and
// line-numbered errors for what it must refuse.
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
    expect(parseWranglerToml(EXAMPLE)).toEqual({
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
    });
  });

  it("becomes a WorkerConfig whose bindings and CPU limit reach the worker's env", async () => {
    const cache = new FakeKv();
    await cache.put("k", "from KV");
    const parsed = parseWranglerToml(EXAMPLE);
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
    expect(parseWranglerToml(text)).toMatchObject({ cpuMsMax: 20, durableObjects: [{ name: "A", className: "Alpha" }] });
  });

  it.each([
    ['name = "a"\nmain = src/index.js\n', 2, "strings need quotes"],
    ['name = "a"\n[vars]\nA = "1"\n[vars]\n', 4, "defined twice"],
    ['name = "a"\nname = "b"\n', 2, "defined twice"],
    ['name = "a"\n\n[[kv_namespaces]]\nbinding = "KV"\n', 3, '"id" is required'],
    ['main = "x.js"\n', 1, '"name" is required'],
    ['name = "a"\n[limits]\ncpu_ms = -5\n', 2, "positive integer"],
    ['name = "a"\n[triggers]\ncrons = ["* * *"]\n', 2, "5 fields"],
    ['name = "a"\ndate = 2024-01-01\n', 2, "dates are not supported"],
    ['name = """multi"""\n', 1, "multi-line strings"],
    ['name = "unterminated\n', 1, "unterminated string"],
    ['name = "a" extra\n', 1, "expected end of line"],
    ['name = "a"\ncrons = [1, 2\n', 3, 'expected "," or "]"'],
    ['name = "a"\n[vars]\nN = 3\n', 2, "must be a string"],
  ])("rejects %j at line %i (%s)", (text, line, why) => {
    expect(() => parseWranglerToml(text)).toThrow(expect.objectContaining({ code: "WRANGLER_TOML_INVALID", status: 400 }));
    expect(() => parseWranglerToml(text)).toThrow(`wrangler.toml line ${line}:`);
    expect(() => parseWranglerToml(text)).toThrow(why);
  });

  it("treats __proto__ and toString as ordinary keys (no prototype pollution)", () => {
    const parsed = parseWranglerToml('name = "p"\n[vars]\n__proto__ = "x"\ntoString = "y"\n');
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
        expect(parseWranglerToml(text).vars).toEqual(vars);
      }),
      { numRuns: 100 },
    );
  });
});
