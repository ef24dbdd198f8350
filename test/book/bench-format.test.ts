import { describe, expect, it } from "vitest";
import { formatMeasured } from "../../book/build.js";

describe("the Performance appendix's numbers", () => {
  it("formatMeasured: grouped digits for large values, three significant digits for small ones, the unit after", () => {
    expect(formatMeasured(2.627e4, "requests/s")).toBe("26,270 requests/s");
    expect(formatMeasured(934102.2579, "events/s")).toBe("934,102 events/s");
    expect(formatMeasured(15.666524, "ms")).toBe("15.7 ms");
    expect(formatMeasured(1.6367859, "µs/op")).toBe("1.64 µs/op");
    expect(formatMeasured(0.6763690, "x")).toBe("0.676 x");
    expect(formatMeasured(0.0123456, "s")).toBe("0.0123 s");
    expect(formatMeasured(96, "%")).toBe("96%");
    expect(formatMeasured(0, "ms")).toBe("0 ms");
    expect(formatMeasured(-3.25, "ms")).toBe("-3.25 ms");
  });

  it("formatMeasured never writes an exponent, from 1e-5 to 1e12", () => {
    for (let e = -5; e <= 12; e += 0.5) expect(formatMeasured(1.2345 * 10 ** e, "u")).not.toMatch(/e[+-]?\d/i);
  });
});
