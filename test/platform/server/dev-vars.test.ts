// .dev.vars: the dotenv file wrangler dev reads for local secrets.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDotenv } from "../../../src/server/dev-vars.js";

describe("parseDotenv", () => {
  it("reads bare, single- and double-quoted values, comments and export prefixes", () => {
    const text = ["# comment", "", "A=1", "export B = two words # trailing comment", "C='lit\\n #eral'", 'D="line\\nbreak \\"q\\""', "E=", "not a line", "F=a#b"].join("\n");
    expect(parseDotenv(text)).toEqual({ A: "1", B: "two words", C: "lit\\n #eral", D: 'line\nbreak "q"', E: "", F: "a#b" });
  });

  it("keeps __proto__ and constructor as ordinary keys", () => {
    const vars = parseDotenv("__proto__=x\nconstructor=y\n");
    expect(Object.keys(vars)).toEqual(["__proto__", "constructor"]);
    expect(Object.getPrototypeOf(vars)).toBe(Object.prototype);
  });

  it("reads back any single-quoted value without a quote or newline", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/), fc.string({ maxLength: 20 }).filter((v) => !/['\r\n]/.test(v))), (vars) => {
        const text = Object.entries(vars).map(([k, v]) => `${k}='${v}'`).join("\n");
        expect(parseDotenv(text)).toEqual(vars);
      }),
    );
  });
});
