import { describe, expect, it } from "vitest";
import { ERROR_HTTP_STATUS } from "../../../src/core/error-codes.js";
import { EdgeError } from "../../../src/core/errors.js";

describe("error codes: one list, each with its HTTP meaning", () => {
  it("maps every code, in SCREAMING_SNAKE_CASE, to a 4xx or 5xx status", () => {
    const entries = Object.entries(ERROR_HTTP_STATUS);
    expect(entries.length).toBeGreaterThan(90);
    for (const [code, status] of entries) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/);
      expect(Number.isInteger(status) && status >= 400 && status <= 599, code).toBe(true);
    }
  });

  it("builds EdgeErrors whose status is the list's", () => {
    const error = new EdgeError("KV_KEY_TOO_LARGE", 414, "key is 513 bytes; the limit is 512");
    expect(error.status).toBe(ERROR_HTTP_STATUS[error.code]);
    // @ts-expect-error: a status other than the code's is a compile error.
    void new EdgeError("KV_KEY_TOO_LARGE", 400, "wrong status");
    // @ts-expect-error: so is a code that is not in the list.
    void new EdgeError("NOT_A_CODE", 400, "unknown");
  });
});
