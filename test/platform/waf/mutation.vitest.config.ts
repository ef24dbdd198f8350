import { defineConfig } from "vitest/config";

// The vitest config for mutation-testing the WAF's SecLang prefilter and regex engine choice
// (see the WAF README): the fast unit suites of those modules. Like test/mutation's config it
// sets neither `pool` nor `execArgv` (Stryker's vitest runner brings its own).
export default defineConfig({
  test: {
    include: ["test/platform/waf/prefilter-units.test.ts", "test/platform/waf/linear-regex.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
