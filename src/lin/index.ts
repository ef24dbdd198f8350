/**
 * A linearizability checker for concurrent histories: Wing & Gong's search with Lowe's
 * memoisation of (linearized set, state), as in Porcupine, plus P-compositionality (each
 * partition, e.g. each key, is checked alone). Used to test the platform's storage claims:
 * Durable Objects should pass it, Workers KV (eventually consistent) is expected to fail it.
 */
export { checkLinearizable } from "./check.js";
export { type Operation, type Model, type CheckResult, type CheckOptions } from "./types.js";
export { registerModel, counterModel, kvModel, type RegisterInput, type CounterInput, type KvInput, type KvOutput, type KvState, type KvCell } from "./models.js";
export { casRegisterModel, type CasRegisterInput, type CasRegisterOutput, type KvModelOptions } from "./models.js";
export { parseJepsenEvents, historyFromJepsen, casRegisterFromJepsen, kvFromJepsen, type JepsenEvent, type EdnValue, type Converted } from "./jepsen.js";
