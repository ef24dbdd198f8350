// Reading real histories (Jepsen's two text forms, the checker's own JSON) and drawing them.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { casRegisterFromJepsen, casRegisterModel, checkLinearizable, counterModel, kvFromJepsen, kvModel, parseJepsenEvents, type CounterInput, type Operation } from "../../../src/lin/index.js";
import { modelByName, readHistoryFile, readHistoryJson, writeHistoryJson } from "../../../src/lin/history-file.js";
import { renderTimeline } from "../../../src/lin/timeline.js";

// A Jepsen etcd log in the logger's form, with every kind of line such a log has.
const ETCD_LOG = [
  "INFO  jepsen.core - Worker 0 starting", // not an operation: skipped
  "INFO  jepsen.util - 0\t:invoke\t:write\t3",
  "INFO  jepsen.util - 1\t:invoke\t:read\tnil",
  "INFO  jepsen.util - 0\t:ok\t:write\t3",
  "INFO  jepsen.util - 1\t:ok\t:read\t3",
  "INFO  jepsen.util - 2\t:invoke\t:cas\t[3 4]",
  "INFO  jepsen.util - 0\t:invoke\t:cas\t[1 2]",
  "INFO  jepsen.util - 0\t:fail\t:cas\t[1 2]", // compare failed: a definite "did not swap"
  "INFO  jepsen.util - 2\t:info\t:cas\t:timed-out", // unknown outcome
  "INFO  jepsen.util - 1\t:invoke\t:read\tnil",
  "INFO  jepsen.util - 1\t:fail\t:read\t:timed-out", // a read nobody saw: dropped
  "INFO  jepsen.util - 7\t:invoke\t:read\tnil",
  "INFO  jepsen.util - 7\t:ok\t:read\t4",
  "INFO  jepsen.util - 3\t:invoke\t:write\t9", // never completes: unknown
].join("\n");

describe("Jepsen histories", () => {
  it("reads the logger's lines: ok, definite failures, unknown outcomes, dropped reads", () => {
    const ops = casRegisterFromJepsen(parseJepsenEvents(ETCD_LOG));
    expect(ops.map((o) => [o.clientId, o.input, o.unknown === true ? "?" : o.output])).toEqual([
      [0, { kind: "write", value: 3 }, undefined],
      [1, { kind: "read" }, 3],
      [2, { kind: "cas", from: 3, to: 4 }, "?"],
      [0, { kind: "cas", from: 1, to: 2 }, false],
      [7, { kind: "read" }, 4],
      [3, { kind: "write", value: 9 }, "?"],
    ]);
    // The crashed cas may have happened, which is what explains the read of 4.
    expect(checkLinearizable(casRegisterModel(), ops).ok).toBe(true);
    const withoutCrash = ops.filter((o) => !(o.input.kind === "cas" && o.input.to === 4));
    expect(checkLinearizable(casRegisterModel(), withoutCrash).ok).toBe(false);
  });

  it("reads EDN maps with keys and string values, and Jepsen's :fail as did-not-happen", () => {
    const text = [
      '{:process 0, :type :invoke, :f :append, :key "k", :value "a"}',
      '{:process 1, :type :invoke, :f :put, :key "k", :value "x\\"y"}',
      '{:process 0, :type :ok, :f :append, :key "k", :value "a"}',
      '{:process 1, :type :fail, :f :put, :key "k", :value "x\\"y"}',
      '{:process 2, :type :invoke, :f :get, :key "k", :value nil}',
      '{:process 2, :type :ok, :f :get, :key "k", :value "a"}',
    ].join("\n");
    const ops = kvFromJepsen(parseJepsenEvents(text));
    expect(ops.map((o) => o.input)).toEqual([
      { kind: "append", key: "k", value: "a" },
      { kind: "get", key: "k" },
    ]);
    expect(checkLinearizable(kvModel({ missing: "" }), ops).ok).toBe(true);
  });

  it.each([
    ["{:process 0, :type :invoke, :f :get, :key \"k\"", /line 1: missing "}"/],
    ["{:process x, :type :invoke, :f :get}", /line 1: cannot read "x"/],
    ["{:process 0, :type :maybe, :f :get}", /line 1: :type must be one of/],
    ['{:process 0, :type :ok, :f :get, :key "k", :value "a"}', /line 1: process 0 completes an operation it never invoked/],
    ["INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:invoke\t:read\tnil", /line 2: process 0 invokes again/],
    ["INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:write\t1", /line 2: process 0 invoked :read but completes :write/],
    ["INFO  jepsen.util - 0\t:invoke\t:cas\t[1]", /line 1: a :cas value is \[from to\]/],
  ])("names the line of a malformed history: %s", (text, message) => {
    expect(() => casRegisterFromJepsen(parseJepsenEvents(text))).toThrow(message);
  });
});

describe("the checker's own JSON format", () => {
  it("round-trips operations, unknown outcomes included", () => {
    const operations: Operation<unknown, unknown>[] = [
      { clientId: "a", input: { kind: "increment" }, output: 1, call: 0, ret: 2 },
      { clientId: 7, input: { kind: "increment" }, output: undefined, call: 1, ret: Number.POSITIVE_INFINITY, unknown: true },
      { clientId: "a", input: { kind: "read" }, output: 2, call: 3, ret: 4 },
    ];
    const back = readHistoryJson(writeHistoryJson({ model: "counter", operations }));
    expect(back.model).toBe("counter");
    expect(back.operations).toEqual(operations);
    expect(checkLinearizable(counterModel(), back.operations as Operation<CounterInput, number>[]).ok).toBe(true);
  });

  it.each([
    ["[]", /expected an object/],
    ["{", /not JSON/],
    ['{"format":"other","model":"kv","operations":[]}', /"format" must be/],
    ['{"format":"edge-kata.history/1","model":"queue","operations":[]}', /"model" must be one of/],
    ['{"format":"edge-kata.history/1","model":"kv","operations":[{"clientId":1,"call":5,"ret":4}]}', /operation 0: ret must be a number >= call/],
    ['{"format":"edge-kata.history/1","model":"kv","operations":[{"clientId":null,"call":5,"ret":6}]}', /operation 0: clientId/],
  ])("refuses %s", (text, message) => {
    expect(() => readHistoryJson(text)).toThrow(message);
  });

  it("reads either format through one entry point", () => {
    expect(readHistoryFile(ETCD_LOG).model).toBe("cas-register");
    expect(readHistoryFile('{:process 0, :type :invoke, :f :get, :key "k", :value nil}').model).toBe("kv");
    expect(() => modelByName("stack")).toThrow(/unknown model "stack"/);
  });
});

describe("the picture of a failure", () => {
  const lostUpdate: Operation<CounterInput, number>[] = [
    { clientId: "alice", input: { kind: "increment" }, output: 1, call: 0, ret: 10 },
    { clientId: "bob", input: { kind: "increment" }, output: 1, call: 2, ret: 12 },
    { clientId: "carol", input: { kind: "read" }, output: 1, call: 20, ret: 21 },
  ];

  it("draws one lane per client, numbers the linearizable prefix and marks the operation that cannot be placed", () => {
    const model = counterModel();
    const result = checkLinearizable(model, lostUpdate);
    const svg = renderTimeline(lostUpdate, result, { model, title: "lost <update>" });
    expect(svg.startsWith("<svg")).toBe(true);
    for (const client of ["alice", "bob", "carol"]) expect(svg).toContain(`client ${client}</text>`);
    expect(svg.match(/class="op ok"/g)).toHaveLength(1);
    expect(svg.match(/class="op blocked"/g)).toHaveLength(1);
    expect(svg).toContain("(cannot be placed)");
    expect(svg).toContain("lost &lt;update&gt;"); // labels are escaped
    expect(svg).not.toContain("<update>");
  });

  it("the Q2 chapter's figure is a refutation of the platform's own KV history, drawn with its blocked increment", async () => {
    const { lostUpdateHistory, render } = await import("../../../book/figures/lin-lost-update.js");
    const history = await lostUpdateHistory();
    const result = checkLinearizable(counterModel(), history);
    expect(result.ok).toBe(false);
    if (result.ok !== false) return;
    expect(result.blocked?.input.kind).toBe("increment");
    // Two increments answered the same value: the lost update the chapter describes.
    const increments = history.filter((o) => o.input.kind === "increment");
    expect(new Set(increments.map((o) => o.output)).size).toBeLessThan(increments.length);
    const svg = await render();
    expect(svg.match(/class="op blocked"/g)).toHaveLength(1);
    expect(svg).toContain("(cannot be placed)");
  });

  it("draws an unknown outcome running off to the right", () => {
    const svg = renderTimeline([{ clientId: 1, input: { kind: "increment" }, output: 0, call: 0, ret: 0, unknown: true }] as Operation<CounterInput, number>[], undefined, { model: counterModel() });
    expect(svg).toContain('class="op other unknown"');
    expect(svg).toContain("outcome unknown");
  });

  it("`npm run lin` checks a file, exits 1 on a refutation and writes the picture", () => {
    const dir = mkdtempSync(join(tmpdir(), "lin-cli-"));
    const file = join(dir, "lost-update.json");
    writeFileSync(file, writeHistoryJson({ model: "counter", operations: lostUpdate as Operation<unknown, unknown>[] }));
    let status = 0;
    let out = "";
    try {
      execFileSync(process.execPath, ["--import", "tsx", "src/lin/cli.ts", file], { encoding: "utf8" });
    } catch (error) {
      const e = error as { status: number; stdout: string };
      status = e.status;
      out = e.stdout;
    }
    expect(status).toBe(1);
    expect(out).toMatch(/not linearizable: client (alice|bob): increment\(\) -> 1/);
    expect(readFileSync(`${file}.svg`, "utf8")).toContain('class="op blocked"');
  }, 60_000);
});
