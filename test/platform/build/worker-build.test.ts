// Bundling a worker project as wrangler does: TypeScript and JSX, the project's own
// node_modules with wrangler's conditions, module rules, nodejs_compat, the size limit, and
// errors that name the file, line and column.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkBundleSize, runCustomBuild, WORKER_SIZE_BYTES_MAX, WorkerBuilder, type WorkerBuild } from "../../../src/build/index.js";
import { fact } from "../../../src/facts/index.js";
import { VirtualClock } from "../../../src/sim/clock.js";
import { Worker, type WranglerConfig, wranglerDefaults } from "../../../src/workers/index.js";

const ADD_WASM = Buffer.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11]);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A project folder holding `files` (path -> text or bytes). */
function project(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), "edge-kata-build-"));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

async function build(root: string, main: string, config: Partial<WranglerConfig> = {}): Promise<WorkerBuild> {
  const builder = new WorkerBuilder({ root, main: join(root, main) }, { ...wranglerDefaults("t"), ...config });
  try {
    return await builder.build();
  } finally {
    await builder.dispose();
  }
}

async function answer(built: WorkerBuild, path = "/"): Promise<string> {
  const w = new Worker(built.script, { name: "t", cpuMsMax: 2_000 }, { clock: new VirtualClock(0) });
  try {
    const r = await w.fetch(new Request(`https://t.example${path}`));
    const text = await r.response.text();
    if (r.outcome !== "ok") throw new Error(`${r.outcome}: ${r.logs.map((l) => l.message).join("\n")}`);
    return text;
  } finally {
    w.dispose();
  }
}

function pkg(name: string, exportsField: Record<string, string>): Record<string, string> {
  const files: Record<string, string> = { [`node_modules/${name}/package.json`]: JSON.stringify({ name, version: "1.0.0", exports: { ".": exportsField } }) };
  for (const file of new Set(Object.values(exportsField))) files[`node_modules/${name}/${file}`] = `export const where = ${JSON.stringify(file)};`;
  return files;
}

describe("bundling", () => {
  it("compiles TypeScript and JSX and resolves packages from the project's node_modules with workerd, worker, browser conditions", async () => {
    const root = project({
      ...pkg("runtime-aware", { node: "./node.js", workerd: "./workerd.js", worker: "./worker.js", browser: "./browser.js", default: "./default.js" }),
      ...pkg("browser-only", { node: "./node.js", browser: "./browser.js", default: "./default.js" }),
      ...pkg("worker-only", { node: "./node.js", worker: "./worker.js", default: "./default.js" }),
      // A .js file with JSX: wrangler loads .js as JSX; jsx_factory = "h" names the factory.
      "src/view.js": `const h = (tag, props, ...children) => \`<\${tag} title="\${props.title}">\${children.join("")}</\${tag}>\`;\nexport const view = (name) => <b title={name}>{name}</b>;\n`,
      "src/index.tsx": `import { where as a } from "runtime-aware";
import { where as b } from "browser-only";
import { where as c } from "worker-only";
import { view } from "./view.js";
const h = (tag: string, props: Record<string, string> | null, ...children: string[]): string => \`<\${tag} title="\${props?.title}">\${children.join("")}</\${tag}>\`;
interface Answer { a: string; b: string; c: string; html: string }
export default { fetch(): Response { const out: Answer = { a, b, c, html: view("hi") }; return Response.json(out); } };
`,
    });
    const built = await build(root, "src/index.tsx", { jsxFactory: "h" });
    expect(JSON.parse(await answer(built))).toEqual({ a: "./workerd.js", b: "./browser.js", c: "./worker.js", html: '<b title="hi">hi</b>' });
    expect(built.inputs).toEqual(expect.arrayContaining([join(root, "src/index.tsx"), join(root, "src/view.js"), join(root, "node_modules/runtime-aware/workerd.js")]));
  });

  it("keeps cloudflare:* imports external, defines constants and minifies when asked", async () => {
    const root = project({
      "src/index.js": `import { DurableObject } from "cloudflare:workers";
export class Thing extends DurableObject {}
export default { fetch() { return new Response(__BUILD__ + " " + typeof DurableObject); } };
`,
    });
    const built = await build(root, "src/index.js", { define: { __BUILD__: '"b42"' }, minify: true });
    expect(built.script.main).toMatch(/from\s*"cloudflare:workers"/);
    expect(built.script.main.split("\n").length).toBeLessThanOrEqual(3);
    expect(await answer(built)).toBe("b42 function");
  });

  it("names an unresolvable import and the file asking for it, with line and column", async () => {
    const root = project({ "src/index.ts": `// first line\nimport pad from "left-pad-nope";\nimport { x } from "./missing";\nexport default { fetch() { return new Response(pad(x)); } };\n` });
    const failure = build(root, "src/index.ts");
    await expect(failure).rejects.toMatchObject({ code: "WORKER_BUILD_FAILED" });
    const message = await failure.catch((e: Error) => e.message);
    expect(message).toContain('worker "t" did not build:');
    expect(message).toContain('src/index.ts:2:17: cannot resolve import "left-pad-nope" (imported by src/index.ts)');
    expect(message).toContain(`if "left-pad-nope" is an npm package, is it installed? Run npm install in ${root}`);
    expect(message).toContain('src/index.ts:3:19: cannot resolve import "./missing" (imported by src/index.ts)');
    expect(message).not.toContain('if "./missing" is an npm package');
  });

  it("reports a syntax error at its file, line and column, with the line itself", async () => {
    const root = project({ "src/index.ts": `export default {\n  fetch() {\n    const n: number = ;\n    return new Response(String(n));\n  },\n};\n` });
    await expect(build(root, "src/index.ts")).rejects.toThrow(/src\/index\.ts:3:23: Unexpected ";"\n {4} {4}const n: number = ;\n {4} {22}\^/);
  });

  it("refuses a service-worker-format script: this platform runs module workers", async () => {
    const root = project({ "index.js": `addEventListener("fetch", (e) => e.respondWith(new Response("old")));\n` });
    await expect(build(root, "index.js")).rejects.toThrow("index.js has no default export: this platform runs ES module Workers");
  });

  it("builds again after an edit, reusing esbuild's context", async () => {
    const root = project({ "src/index.ts": `export default { fetch() { return new Response("one"); } };\n` });
    const builder = new WorkerBuilder({ root, main: join(root, "src/index.ts") }, wranglerDefaults("t"));
    try {
      expect(await answer(await builder.build())).toBe("one");
      writeFileSync(join(root, "src/index.ts"), `export default { fetch() { return new Response("two"); } };\n`);
      expect(await answer(await builder.build())).toBe("two");
    } finally {
      await builder.dispose();
    }
  });
});

describe("nodejs_compat", () => {
  const uses = (imports: string): Record<string, string> => ({ "src/index.js": `${imports}\nexport default { fetch() { return new Response(String(typeof used)); } };\n` });

  it("without the flag, a node:* import is a build error with wrangler's advice", async () => {
    const root = project(uses(`import { Buffer as used } from "node:buffer";`));
    await expect(build(root, "src/index.js")).rejects.toThrow(/src\/index\.js:1:32: cannot resolve import "node:buffer" \(imported by src\/index\.js\)[\s\S]*Add the "nodejs_compat" compatibility flag to your project/);
  });

  it("v1 (before 2024-09-23) takes node:-prefixed names only", async () => {
    const v1 = { compatibilityDate: "2024-09-22", compatibilityFlags: ["nodejs_compat"] };
    const ok = await build(project(uses(`import { Buffer as used } from "node:buffer";`)), "src/index.js", v1);
    expect(ok.script.nodeCompat).toBe(true);
    expect(await answer(ok)).toBe("function");
    await expect(build(project(uses(`import used from "events";`)), "src/index.js", v1)).rejects.toThrow(/cannot resolve import "events"[\s\S]*Prefix the module name with "node:" or set compatibility_date to 2024-09-23 or later/);
  });

  it("v2 takes bare names, require() of built-ins, a global Buffer, and refuses built-ins it lacks by name", async () => {
    const v2 = { compatibilityDate: "2024-09-23", compatibilityFlags: ["nodejs_compat"] };
    const root = project({
      "node_modules/old-cjs/package.json": JSON.stringify({ name: "old-cjs", main: "index.js" }),
      "node_modules/old-cjs/index.js": `const crypto = require("node:crypto"); const { EventEmitter } = require("events");\nmodule.exports = (s) => crypto.createHash("md5").update(s).digest("hex") + " " + typeof EventEmitter;\n`,
      "src/index.js": `import EventEmitter from "events";\nimport md5 from "old-cjs";\nexport default { fetch() { return new Response([md5("a"), typeof EventEmitter, Buffer.from("hi").toString("hex")].join(" ")); } };\n`,
    });
    expect(await answer(await build(root, "src/index.js", v2))).toBe("0cc175b9c0f1b6a831c399e269772661 function function 6869");
    await expect(build(project(uses(`import used from "node:fs";`)), "src/index.js", v2)).rejects.toThrow(
      'src/index.js:1:18: "node:fs" is not available here: this platform\'s nodejs_compat provides node:buffer, node:crypto, node:events, node:util',
    );
    await expect(build(project(uses(`import used from "node:buffer";`)), "src/index.js", { compatibilityFlags: ["nodejs_compat", "nodejs_compat_v2"] })).rejects.toThrow("cannot be used together");
  });
});

describe("module rules", () => {
  it("imports .txt/.html as text, .bin as bytes and .wasm as a compiled module, named by content hash", async () => {
    const root = project({
      "src/page.html": "<h1>ok</h1>",
      "src/note.txt": "ünïcode",
      "src/data.bin": Buffer.from([1, 2, 250]),
      "src/add.wasm": ADD_WASM,
      "node_modules/wasm-pkg/package.json": JSON.stringify({ name: "wasm-pkg", version: "1.0.0" }),
      "node_modules/wasm-pkg/add.wasm": ADD_WASM,
      "src/index.js": `import page from "./page.html";
import note from "./note.txt";
import data from "./data.bin";
import add from "./add.wasm";
import addAgain from "./add.wasm?module";
import addFromPackage from "wasm-pkg/add.wasm";
export default { async fetch() {
  const sums = await Promise.all([add, addAgain, addFromPackage].map(async (m) => (await WebAssembly.instantiate(m)).exports.add(1, 2)));
  return Response.json({ page, note, data: [...new Uint8Array(data)], sums });
} };
`,
    });
    const built = await build(root, "src/index.js");
    expect(JSON.parse(await answer(built))).toEqual({ page: "<h1>ok</h1>", note: "ünïcode", data: [1, 2, 250], sums: [3, 3, 3] });
    // Named ./<sha1 of the content>-<file name>: the same wasm from two places is one module.
    const sha1 = (b: Buffer): string => createHash("sha1").update(b).digest("hex");
    expect(built.script.modules.map((m) => `${m.type} ${m.name}`).sort()).toEqual(
      [`compiled-wasm ./${sha1(ADD_WASM)}-add.wasm`, `data ./${sha1(Buffer.from([1, 2, 250]))}-data.bin`, `text ./${sha1(Buffer.from("<h1>ok</h1>"))}-page.html`, `text ./${sha1(Buffer.from("ünïcode"))}-note.txt`].sort(),
    );
    expect(built.inputs).toEqual(expect.arrayContaining([join(root, "src/add.wasm"), join(root, "node_modules/wasm-pkg/add.wasm"), join(root, "src/note.txt")]));
  });

  it("adds [[rules]] before the defaults; without fallthrough a later rule of the same type is dropped, as wrangler does", async () => {
    const files = { "src/a.md": "# md", "src/b.txt": "txt", "src/index.js": `import md from "./a.md";\nimport txt from "./b.txt";\nexport default { fetch() { return new Response(md + "|" + txt); } };\n` };
    const through = await build(project(files), "src/index.js", { rules: [{ type: "Text", globs: ["**/*.md"], fallthrough: true }] });
    expect(await answer(through)).toBe("# md|txt");
    expect(through.warnings).toEqual([]);
    const root = project(files);
    const failure = build(root, "src/index.js", { rules: [{ type: "Text", globs: ["**/*.md"] }] });
    await expect(failure).rejects.toThrow(/src\/index\.js:2:\d+: The file \.\/b\.txt matched a module rule in your configuration .* but was ignored because a previous rule with the same type was not marked as `fallthrough = true`/);
    const quiet = await build(project({ ...files, "src/index.js": `import md from "./a.md";\nexport default { fetch() { return new Response(md); } };\n` }), "src/index.js", { rules: [{ type: "Text", globs: ["**/*.md"], fallthrough: false }] });
    expect(quiet.warnings).toEqual([]);
    const loud = await build(project({ ...files, "src/index.js": `import md from "./a.md";\nexport default { fetch() { return new Response(md); } };\n` }), "src/index.js", { rules: [{ type: "Text", globs: ["**/*.md"] }] });
    expect(loud.warnings).toEqual([expect.stringContaining('does not have a fallback, so {"type":"Text","globs":["**/*.txt","**/*.html"]} (a default rule) is ignored')]);
  });
});

describe("size limit (Cloudflare: 64 MiB uncompressed on every plan, since the compressed 3 MB / 10 MB limits were removed)", () => {
  const withData = (data: Buffer): string => project({ "src/blob.bin": data, "src/index.js": `import blob from "./blob.bin";\nexport default { fetch() { return new Response(String(blob.byteLength)); } };\n` });
  const limit = fact("workers.scriptBytesMax").value;

  it("takes the limit from the facts registry", () => {
    expect(WORKER_SIZE_BYTES_MAX).toBe(limit);
    expect(limit).toBe(64 * 1024 * 1024);
  });

  it("accepts a bundle that gzips past the old 10 MB limit: only the uncompressed size counts now", async () => {
    const built = await build(withData(randomBytes(11 * 1024 * 1024)), "src/index.js");
    expect(built.size.gzipBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(built.warnings).toEqual([]);
  });

  // Building 64 MiB takes minutes and much memory on a shared test machine, so the refusal is
  // checked on the measured sizes the builder hands to checkBundleSize (the build above shows
  // it is called with them).
  it("refuses a bundle over 64 MiB uncompressed, giving both sizes, even when it compresses to almost nothing", () => {
    let refused: unknown;
    try {
      checkBundleSize("t", { bytes: limit + 1, gzipBytes: 70 * 1024 });
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: "WORKER_TOO_LARGE", status: 413, message: 'worker "t" is 64.00 MiB (70.00 KiB gzip); Cloudflare accepts at most 64.00 MiB, uncompressed, on every plan' });
    expect(() => checkBundleSize("t", { bytes: limit, gzipBytes: limit })).not.toThrow();
  });
});

describe("[build] command", () => {
  it("runs in the project (or its cwd) before bundling, and a failure carries its exit code and output", async () => {
    const root = project({ "tools/gen.mjs": `import { writeFileSync } from "node:fs"; writeFileSync("../out.txt", "generated"); console.log("done");\n` });
    const seen: string[] = [];
    await runCustomBuild({ command: "node gen.mjs", cwd: "tools", watchDir: [] }, root, (t) => seen.push(t));
    expect(seen.join("")).toBe("done\n");
    await expect(runCustomBuild({ command: "echo nope >&2; exit 3", watchDir: [] }, root)).rejects.toThrow(`[build] command "echo nope >&2; exit 3" exited with 3 in ${root}:\nnope`);
  });
});
