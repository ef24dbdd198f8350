import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // isolated-vm on Node 20 needs the node snapshot disabled in every process that loads it.
    pool: "forks",
    execArgv: ["--no-node-snapshot"],
    // vitest's default is one worker per core minus one: a single worker on these 2-core
    // machines. Many suites wait on child processes, sockets and timers, so use both cores.
    maxWorkers: 2,
    // Each worker process runs file after file without re-importing the platform (tsx
    // transforms and module loading were about a sixth of the suite's CPU). Suites own their
    // state: they build their own workers, clocks and servers and dispose of them.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
