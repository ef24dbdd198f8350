import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CRS_INSTALL_HINT, CrsRuleset, findCrs } from "../../../src/waf/index.js";
import { runStage, stageRequest } from "./crs-regression.js";

// The harness that runs CRS's go-ftw regression suite (crs-regression.ts), on stages written
// here in the same format (the suite itself is not committed: see the script's header).
let crs: CrsRuleset;
beforeAll(() => {
  if (findCrs() === undefined) throw new Error(`the OWASP Core Rule Set is not installed: ${CRS_INSTALL_HINT}`);
  crs = new CrsRuleset({ paranoiaLevel: 4 });
});

const stage = (yaml: string): { input: Record<string, unknown>; output: Record<string, unknown> } => parse(yaml) as { input: Record<string, unknown>; output: Record<string, unknown> };

describe("go-ftw stages", () => {
  it("builds the request a stage sends: form data without a Content-Type is a form, the version is the protocol", () => {
    const s = stage('input:\n  method: POST\n  uri: "/login?next=%2F"\n  version: HTTP/1.0\n  headers:\n    Host: localhost\n    User-Agent: "ftw"\n  data: "user=bob"\noutput:\n  no_log_contains: id "942100"\n');
    const r = stageRequest(s.input)!;
    expect(r).toMatchObject({ method: "POST", url: "http://localhost/login?next=%2F", body: "user=bob", protocol: "HTTP/1.0" });
    expect(r.headers).toMatchObject({ "content-type": "application/x-www-form-urlencoded", "content-length": "8", "user-agent": "ftw" });
    expect(runStage(crs, s.input, s.output)).toBe("pass");
  });

  it("passes when the named rule logs, fails when it does not or when an unwanted one does", () => {
    const attack = 'input:\n  method: POST\n  uri: "/"\n  headers:\n    Host: localhost\n    User-Agent: "ftw"\n    Accept: "*/*"\n  data: "var=1234 OR 1=1"\n';
    expect(runStage(crs, stage(attack).input, { log_contains: 'id "942100"' })).toBe("pass");
    expect(runStage(crs, stage(attack).input, { no_log_contains: 'id "942100"' })).toBe("fail");
    expect(runStage(crs, stage(attack).input, { status: [403] })).toBe("pass");
    expect(runStage(crs, stage(attack).input, { status: 200 })).toBe("fail");
    expect(runStage(crs, stage(attack).input, { log_contains: 'id "913100"' })).toBe("fail");
  });

  it("counts raw-byte stages, response checks and expected errors as not applicable", () => {
    expect(runStage(crs, { raw_request: "GET / HTTP/1.1\r\n\r\n" }, { log_contains: 'id "920100"' })).toBe("not applicable");
    expect(runStage(crs, { uri: "/" }, { response_contains: "ok" })).toBe("not applicable");
    expect(runStage(crs, { uri: "/" }, { expect_error: true })).toBe("not applicable");
    expect(runStage(crs, { uri: "/" }, {})).toBe("not applicable");
  });
});
