import { EdgeError } from "../core/errors.js";
import { casRegisterFromJepsen, kvFromJepsen, parseJepsenEvents } from "./jepsen.js";
import { casRegisterModel, counterModel, kvModel, registerModel } from "./models.js";
import type { Model, Operation } from "./types.js";

/** The checker's own history format (JSON): the model by name, then the operations. */
export const HISTORY_FORMAT = "edge-kata.history/1";

export const MODEL_NAMES = ["kv", "cas-register", "register", "counter"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

type AnyModel = Model<unknown, unknown, unknown>;
type AnyOperation = Operation<unknown, unknown>;

export interface HistoryFile {
  model: ModelName;
  /** `kv`: `{ missing }`; `register`: `{ initial }`. */
  modelOptions?: Record<string, unknown>;
  operations: AnyOperation[];
}

const bad = (why: string): EdgeError => new EdgeError("LIN_BAD_HISTORY", 400, why);

/** A built-in model by the name history files use. */
export function modelByName(name: string, options: Record<string, unknown> = {}): AnyModel {
  switch (name) {
    case "kv": {
      const missing = options.missing;
      if (missing !== undefined && missing !== null && typeof missing !== "string") throw bad(`kv: "missing" must be a string or null`);
      return kvModel(missing === undefined ? {} : { missing }) as unknown as AnyModel;
    }
    case "cas-register":
      return casRegisterModel() as unknown as AnyModel;
    case "register":
      return registerModel(options.initial ?? null) as unknown as AnyModel;
    case "counter":
      return counterModel() as unknown as AnyModel;
    default:
      throw bad(`unknown model "${name}"; known: ${MODEL_NAMES.join(", ")}`);
  }
}

/** Serialises a history; an unknown outcome has no `ret` and no `output` (JSON has no Infinity). */
export function writeHistoryJson(file: HistoryFile): string {
  const operations = file.operations.map((op) =>
    op.unknown === true ? { clientId: op.clientId, input: op.input, call: op.call, unknown: true } : { clientId: op.clientId, input: op.input, output: op.output, call: op.call, ret: op.ret },
  );
  return `${JSON.stringify({ format: HISTORY_FORMAT, model: file.model, ...(file.modelOptions ? { modelOptions: file.modelOptions } : {}), operations }, null, 1)}\n`;
}

/** Reads the JSON format back, checking every field; errors name the operation. */
export function readHistoryJson(text: string): HistoryFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw bad(`not JSON: ${(error as Error).message}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw bad("expected an object");
  const d = data as Record<string, unknown>;
  if (d.format !== HISTORY_FORMAT) throw bad(`"format" must be "${HISTORY_FORMAT}"`);
  if (typeof d.model !== "string" || !(MODEL_NAMES as readonly string[]).includes(d.model)) throw bad(`"model" must be one of ${MODEL_NAMES.join(", ")}`);
  if (d.modelOptions !== undefined && (typeof d.modelOptions !== "object" || d.modelOptions === null)) throw bad(`"modelOptions" must be an object`);
  if (!Array.isArray(d.operations)) throw bad(`"operations" must be an array`);
  const operations = d.operations.map((raw: unknown, i: number): AnyOperation => {
    if (typeof raw !== "object" || raw === null) throw bad(`operation ${i} is not an object`);
    const o = raw as Record<string, unknown>;
    if (typeof o.clientId !== "string" && typeof o.clientId !== "number") throw bad(`operation ${i}: clientId must be a string or a number`);
    if (typeof o.call !== "number" || !Number.isFinite(o.call)) throw bad(`operation ${i}: call must be a finite number`);
    if (o.unknown === true) return { clientId: o.clientId, input: o.input, output: undefined, call: o.call, ret: Number.POSITIVE_INFINITY, unknown: true };
    if (typeof o.ret !== "number" || !(o.ret >= o.call)) throw bad(`operation ${i}: ret must be a number >= call`);
    return { clientId: o.clientId, input: o.input, output: o.output, call: o.call, ret: o.ret };
  });
  return { model: d.model as ModelName, ...(d.modelOptions ? { modelOptions: d.modelOptions as Record<string, unknown> } : {}), operations };
}

/**
 * Any history file the checker reads: its own JSON, or a Jepsen history (logger lines or EDN
 * maps) read for `model` (`cas-register` for Jepsen's etcd register, `kv` for key-value
 * histories with get/put/append, which use "" for a missing key).
 */
export function readHistoryFile(text: string, model?: ModelName): HistoryFile {
  if (text.trimStart().startsWith("{") && text.includes(`"format"`)) return readHistoryJson(text);
  const events = parseJepsenEvents(text);
  if (events.length === 0) throw bad("no operations found: expected the checker's JSON or a Jepsen history");
  const name = model ?? (events.some((e) => e.key !== undefined) ? "kv" : "cas-register");
  if (name === "kv") return { model: "kv", modelOptions: { missing: "" }, operations: kvFromJepsen(events) as AnyOperation[] };
  if (name === "cas-register") return { model: "cas-register", operations: casRegisterFromJepsen(events) as AnyOperation[] };
  throw bad(`a Jepsen history is read as kv or cas-register, not ${name}`);
}
