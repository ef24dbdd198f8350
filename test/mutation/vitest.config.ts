import { defineConfig } from "vitest/config";

// The vitest config Stryker's runner uses: one level's test file (MUTATE_TEST_FILE). It sets
// neither `pool` nor `execArgv`: the runner brings its own (threads, with Stryker's
// testRunnerNodeArgs), and vitest rejects both when they are set here.
const file = process.env.MUTATE_TEST_FILE;
if (file === undefined || file === "") throw new Error("MUTATE_TEST_FILE must name the level's test file (npm run mutate sets it)");

export default defineConfig({
  test: {
    include: [file],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
