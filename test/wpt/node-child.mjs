// Runs one web-platform-tests file in this Node process as classic scripts (as a browser would)
// and prints testharness.js's results as one `WPT-RESULT {json}` line. Input: JSON on stdin.
import vm from "node:vm";

/** Prints the result and exits once it is flushed (a pipe write is asynchronous). */
function report(result) {
  process.stdout.write(`WPT-RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
}

// A browser reports a rejection nobody handled and carries on; Node 20 would end the process.
process.on("unhandledRejection", () => {});

async function main() {
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  const { prelude, collect, sources, limitMs } = JSON.parse(input);
  vm.runInThisContext(prelude, { filename: "prelude.js" });
  let collected = false;
  for (const { name, code } of sources) {
    try {
      vm.runInThisContext(code, { filename: name });
    } catch (e) {
      // An exception at a file's top level: reported as a crash, as the isolate run reports a
      // module that fails to evaluate.
      return { tests: [], harness: "crash", message: String((e && e.stack) || e).slice(0, 500) };
    }
    if (!collected) {
      vm.runInThisContext(collect, { filename: "collect.js" });
      collected = true;
    }
  }
  const done = globalThis.wptDone;
  const late = new Promise((resolve) => setTimeout(resolve, limitMs).unref()).then(() => {
    globalThis.timeout();
    return done;
  });
  return Promise.race([done, late]);
}

report(await main());
