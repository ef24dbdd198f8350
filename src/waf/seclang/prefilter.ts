/**
 * The prefilter: which rules can possibly match this request, decided for all rules at once
 * before any rule runs, so a clean request skips nearly every pattern.
 *
 * Each rule gets one *gate*: a link of its chain whose targets are request fields and whose
 * operator needs one of a few literals (`@rx` via `requiredLiterals`, `@pm` phrases, `@contains`
 * …) or, for other operators, merely a value to read. Per request, every field value is read
 * once: lower-cased and scanned by one automaton over all rules' literals; for a transformation
 * chain that would change the value by more than letter case (a `%`, `&`, `\`, comment, …),
 * the transformed value is scanned too. A rule whose gate found nothing is skipped: it could not
 * have matched, and a rule that does not match has no effect. `SecLangRuleset` keeps the
 * general path (`prefilter: false`) and the tests prove both give the same verdicts.
 */
import { isCollectionName, type CollectionName, type Entry } from "../collections.js";
import type { VariableSpec } from "./parse.js";
import { chainPrefixKeys, runTransformChain, type Transform, type TransformCache, type TransformChain } from "./transforms.js";

export type { TransformCache } from "./transforms.js";

// Features of a value that some transformation reacts to (one bit each).
const F_PCT = 1 << 0;
const F_PLUS = 1 << 1;
const F_AMP = 1 << 2;
const F_BSLASH = 1 << 3;
const F_SPACE = 1 << 4;
const F_OTHER_WS = 1 << 5;
const F_DOUBLE_SPACE = 1 << 6;
const F_CMD = 1 << 7;
const F_SLASH_DOT = 1 << 8;
const F_COMMENT = 1 << 9;
const F_NUL = 1 << 10;
const F_NON_ASCII = 1 << 11;
const F_HEX = 1 << 12;
const F_EDGE_WS = 1 << 13;
/** Set on every value: transformations that always change their input react to it. */
const F_ANY = 1 << 14;
const F_ALL = (1 << 15) - 1;

/**
 * For each transformation, the features in whose absence it changes at most letter case (so
 * the lower-cased value stands for its output). Missing names (base64Decode, length, sha1, …)
 * always change the value: their output is computed and scanned.
 */
const CHANGES_ONLY_WITH: Readonly<Record<string, number>> = {
  none: 0,
  lowercase: 0,
  uppercase: F_NON_ASCII,
  urlDecode: F_PCT | F_PLUS,
  urlDecodeUni: F_PCT | F_PLUS,
  htmlEntityDecode: F_AMP,
  jsDecode: F_BSLASH,
  cssDecode: F_BSLASH,
  escapeSeqDecode: F_BSLASH,
  cmdLine: F_BSLASH | F_CMD | F_SPACE | F_OTHER_WS | F_NON_ASCII,
  compressWhitespace: F_OTHER_WS | F_DOUBLE_SPACE | F_NON_ASCII,
  removeWhitespace: F_SPACE | F_OTHER_WS | F_NON_ASCII,
  removeNulls: F_NUL,
  replaceNulls: F_NUL,
  removeComments: F_COMMENT,
  replaceComments: F_COMMENT,
  removeCommentsChar: F_COMMENT,
  normalizePath: F_SLASH_DOT,
  normalisePath: F_SLASH_DOT,
  normalizePathWin: F_SLASH_DOT | F_BSLASH,
  normalisePathWin: F_SLASH_DOT | F_BSLASH,
  utf8toUnicode: F_NON_ASCII,
  trim: F_EDGE_WS | F_NON_ASCII,
  trimLeft: F_EDGE_WS | F_NON_ASCII,
  trimRight: F_EDGE_WS | F_NON_ASCII,
  sqlHexDecode: F_HEX,
};

function isAsciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** The features of one value, in one pass. */
export function valueFeatures(v: string): number {
  let f = F_ANY;
  const n = v.length;
  if (n > 0 && (isAsciiSpace(v.charCodeAt(0)) || isAsciiSpace(v.charCodeAt(n - 1)))) f |= F_EDGE_WS;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c >= 128) f |= F_NON_ASCII;
    else if (c === 37) f |= F_PCT;
    else if (c === 43) f |= F_PLUS;
    else if (c === 38) f |= F_AMP;
    else if (c === 92) f |= F_BSLASH;
    else if (c === 32) f |= prev === 32 ? F_DOUBLE_SPACE | F_SPACE : F_SPACE;
    else if (c >= 9 && c <= 13) f |= F_OTHER_WS;
    else if (c === 34 || c === 39 || c === 94 || c === 44 || c === 59) f |= F_CMD;
    else if (c === 35) f |= F_COMMENT;
    else if (c === 0) f |= F_NUL;
    // Pairs: "//", "/.", "./" (path segments); "/*", "*/", "--" (comments); "0x" (SQL hex).
    if ((prev === 47 && (c === 47 || c === 46)) || (prev === 46 && c === 47)) f |= F_SLASH_DOT;
    if ((prev === 47 && c === 42) || (prev === 42 && c === 47) || (prev === 45 && c === 45)) f |= F_COMMENT;
    if (prev === 48 && (c === 120 || c === 88)) f |= F_HEX;
    prev = c;
  }
  return f;
}

/** Features that make this chain change a value by more than letter case. */
export function chainSensitivity(names: readonly string[]): number {
  let mask = 0;
  for (const n of names) mask |= CHANGES_ONLY_WITH[n] ?? F_ALL;
  return mask;
}

/** One automaton over many ASCII literals (Aho–Corasick as a dense DFA over the literals' alphabet). */
export class LiteralAutomaton {
  readonly #columnOf = new Uint8Array(128);
  readonly #columns: number;
  readonly #next: Int32Array;
  /** Per state: the gate indices whose literal ends here (directly or through a suffix). */
  readonly #out: (readonly number[] | undefined)[];

  constructor(literals: readonly { text: string; gate: number }[]) {
    let columns = 1;
    for (const { text } of literals) {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (this.#columnOf[c] === 0) this.#columnOf[c] = columns++;
      }
    }
    this.#columns = columns;
    const goto: Map<number, number>[] = [new Map()];
    const out: Set<number>[] = [new Set()];
    for (const { text, gate } of literals) {
      let s = 0;
      for (let i = 0; i < text.length; i++) {
        const col = this.#columnOf[text.charCodeAt(i)]!;
        let nx = goto[s]!.get(col);
        if (nx === undefined) {
          nx = goto.length;
          goto.push(new Map());
          out.push(new Set());
          goto[s]!.set(col, nx);
        }
        s = nx;
      }
      out[s]!.add(gate);
    }
    const next = new Int32Array(goto.length * columns);
    const fail = new Int32Array(goto.length);
    // Breadth-first: a state's fail target is complete before the state's children need it.
    const queue: number[] = [];
    for (let col = 1; col < columns; col++) {
      const s = goto[0]!.get(col);
      if (s !== undefined) {
        next[col] = s;
        queue.push(s);
      }
    }
    for (let q = 0; q < queue.length; q++) {
      const r = queue[q]!;
      for (const g of out[fail[r]!]!) out[r]!.add(g);
      for (let col = 1; col < columns; col++) {
        const s = goto[r]!.get(col);
        if (s === undefined) next[r * columns + col] = next[fail[r]! * columns + col]!;
        else {
          fail[s] = next[fail[r]! * columns + col]!;
          next[r * columns + col] = s;
          queue.push(s);
        }
      }
    }
    this.#next = next;
    this.#out = out.map((o) => (o.size === 0 ? undefined : [...o]));
  }

  get states(): number {
    return this.#out.length;
  }

  /**
   * The gates whose literal `text` contains (lower-case it first), each once: `stamp[gate]` is
   * set to `epoch` as a gate is found (pass a fresh epoch per call).
   */
  gatesIn(text: string, stamp: Int32Array, epoch: number): number[] {
    const next = this.#next;
    const columnOf = this.#columnOf;
    const columns = this.#columns;
    const out = this.#out;
    const found: number[] = [];
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      s = next[s * columns + (c < 128 ? columnOf[c]! : 0)]!;
      const o = out[s];
      if (o === undefined) continue;
      for (let k = 0; k < o.length; k++) {
        const g = o[k]!;
        if (stamp[g] === epoch) continue;
        stamp[g] = epoch;
        found.push(g);
      }
    }
    return found;
  }

  /**
   * Whether `text` contains one of the literals, compared in lower case as `toLowerCase` would
   * (ASCII letters are folded inline; a non-ASCII character, which `toLowerCase` may turn into
   * ASCII, such as the Kelvin sign into `k`, sends the whole text through `toLowerCase`).
   */
  containsAny(text: string): boolean {
    return this.#containsAny(text, true);
  }

  /** `fold`: lower-case ASCII inline, and on a non-ASCII character start over on `toLowerCase(text)`. */
  #containsAny(text: string, fold: boolean): boolean {
    const next = this.#next;
    const columnOf = this.#columnOf;
    const columns = this.#columns;
    const out = this.#out;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let column = 0;
      if (c < 128) column = columnOf[fold && c >= 65 && c <= 90 ? c + 32 : c]!;
      else if (fold) return this.#containsAny(text.toLowerCase(), false);
      s = next[s * columns + column]!;
      if (out[s] !== undefined) return true;
    }
    return false;
  }

  /** Calls `hit(gate)` for each literal found in `text` (lower-case it first); a gate may repeat. */
  scan(text: string, hit: (gate: number) => void): void {
    const next = this.#next;
    const columnOf = this.#columnOf;
    const columns = this.#columns;
    const out = this.#out;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      s = next[s * columns + (c < 128 ? columnOf[c]! : 0)]!;
      const o = out[s];
      if (o !== undefined) for (let k = 0; k < o.length; k++) hit(o[k]!);
    }
  }
}

/** What a gate needs from a field value. */
export interface GateSpec {
  readonly targets: readonly VariableSpec[];
  /** Lower-cased ASCII literals, one of which the (transformed) value must contain; undefined: any value. */
  readonly literals: readonly string[] | undefined;
  /** The link's transformation chain, by name, and as functions. */
  readonly transformNames: readonly string[];
  readonly transforms: readonly Transform[];
  readonly transformKey: string;
  readonly multiMatch: boolean;
}

/** True when a gate can be built on these targets: request fields only, no counts. */
export function gateableTargets(targets: readonly VariableSpec[], alwaysEmpty: (collection: string) => boolean): boolean {
  if (targets.length === 0) return false;
  return targets.every((s) => !s.count && (isCollectionName(s.collection) || alwaysEmpty(s.collection)));
}

interface Chain extends TransformChain {
  readonly key: string;
  readonly sensitivity: number;
  /** Per gate: 1 when the gate reads this chain's output. */
  readonly readers: Uint8Array;
}

interface FieldPlan {
  readonly collection: CollectionName;
  /** Gates that read every member, and gates by member name (lower case). */
  readonly anyValueGates: readonly number[];
  readonly anyValueGatesByName: ReadonlyMap<string, readonly number[]>;
  /** Chains whose output must be scanned when the value has their features. */
  readonly chains: readonly Chain[];
  /** Whether some literal gate reads this collection (else no scan is needed). */
  readonly scanned: boolean;
  /** Per gate: 0 does not read this collection, 1 reads every member, 2 reads some members by name. */
  readonly readers: Uint8Array;
}

/** All gates of a rule set, compiled. */
export class Prefilter {
  readonly gates: number;
  readonly #automaton: LiteralAutomaton;
  readonly #plans: readonly FieldPlan[];
  /** Per gate: the member names it reads per collection (`undefined` entry: every member). */
  readonly #reads: readonly ReadonlyMap<string, ReadonlySet<string> | undefined>[];
  /** Per gate: the features that make its chain change a value by more than letter case. */
  readonly #sensitivity: readonly number[];
  /** Per gate: the chain keys whose output it reads (its chain; with multiMatch, every prefix). */
  readonly #chainKeys: readonly ReadonlySet<string>[];
  /** Per gate: multiMatch (the raw value is one of the values it tests). */
  readonly #readsRaw: readonly boolean[];
  /** Scratch for `gatesIn`: the epoch of the scan that last found each gate. */
  readonly #stamp: Int32Array;
  #epoch = 0;

  constructor(gates: readonly GateSpec[]) {
    this.gates = gates.length;
    this.#stamp = new Int32Array(gates.length);
    const literals: { text: string; gate: number }[] = [];
    gates.forEach((g, gate) => {
      for (const text of g.literals ?? []) literals.push({ text, gate });
    });
    this.#automaton = new LiteralAutomaton(literals);
    this.#sensitivity = gates.map((g) => chainSensitivity(g.transformNames));
    this.#chainKeys = gates.map((g) => new Set(g.multiMatch ? g.transformNames.map((_n, k) => g.transformNames.slice(0, k + 1).join(",")) : [g.transformKey]));
    this.#readsRaw = gates.map((g) => g.multiMatch);
    this.#reads = gates.map((g) => {
      const reads = new Map<string, Set<string> | undefined>();
      for (const s of g.targets) {
        if (!isCollectionName(s.collection)) continue;
        const prior = reads.get(s.collection);
        if (reads.has(s.collection) && prior === undefined) continue;
        if (typeof s.selector !== "string") reads.set(s.collection, undefined);
        else reads.set(s.collection, new Set([...(prior ?? []), s.selector.toLowerCase()]));
      }
      return reads;
    });
    const collections = new Set<CollectionName>();
    for (const g of gates) for (const s of g.targets) if (isCollectionName(s.collection)) collections.add(s.collection);
    this.#plans = [...collections].map((collection) => {
      const any: number[] = [];
      const byName = new Map<string, number[]>();
      const chains = new Map<string, Chain>();
      let scanned = false;
      gates.forEach((g, gate) => {
        if (!this.#reads[gate]!.has(collection)) return;
        if (g.literals === undefined) {
          const names = this.#reads[gate]!.get(collection);
          if (names === undefined) any.push(gate);
          else for (const n of names) byName.set(n, [...(byName.get(n) ?? []), gate]);
          return;
        }
        scanned = true;
        // multiMatch reads the value after each step: every prefix of the chain.
        const ends = g.multiMatch ? g.transforms.map((_t, k) => k + 1) : [g.transforms.length];
        for (const end of ends) {
          const key = g.transformNames.slice(0, end).join(",");
          if (key === "" || chains.has(key)) continue;
          const names = g.transformNames.slice(0, end);
          chains.set(key, { key, transforms: g.transforms.slice(0, end), prefixKeys: chainPrefixKeys(names), sensitivity: chainSensitivity(names), readers: new Uint8Array(gates.length) });
        }
      });
      const readers = new Uint8Array(gates.length);
      gates.forEach((_g, gate) => {
        const reads = this.#reads[gate]!;
        if (reads.has(collection)) readers[gate] = reads.get(collection) === undefined ? 1 : 2;
        for (const chain of chains.values()) if (this.#chainKeys[gate]!.has(chain.key)) chain.readers[gate] = 1;
      });
      return { collection, anyValueGates: any, anyValueGatesByName: byName, chains: [...chains.values()], scanned, readers };
    });
  }

  get automatonStates(): number {
    return this.#automaton.states;
  }

  /**
   * Marks `open[gate] = 1` for every gate that may pass on this request. `fields` gives a
   * collection's members; `cache` holds transformation results (shared with the engine).
   */
  open(fields: (c: CollectionName) => readonly Entry[], cache: TransformCache, open: Uint8Array): void {
    const scanned = new Map<string, readonly number[]>();
    for (const plan of this.#plans) {
      const entries = fields(plan.collection);
      if (entries.length === 0) continue;
      for (const g of plan.anyValueGates) open[g] = 1;
      for (const e of entries) {
        const lowerName = e.name.toLowerCase();
        if (plan.anyValueGatesByName.size > 0) {
          const named = plan.anyValueGatesByName.get(lowerName);
          if (named !== undefined) for (const g of named) open[g] = 1;
        }
        if (!plan.scanned) continue;
        const v = e.value;
        const features = valueFeatures(v);
        // The lower-cased value stands for every chain that changes it only in letter case.
        for (const g of this.#hits(v.toLowerCase(), scanned)) {
          if (open[g] === 1 || (!this.#readsRaw[g] && (features & this.#sensitivity[g]!) !== 0)) continue;
          this.#openIfRead(g, plan, lowerName, open);
        }
        for (const chain of plan.chains) {
          if ((features & chain.sensitivity) === 0) continue;
          for (const g of this.#hits(runTransformChain(chain, v, cache).toLowerCase(), scanned)) {
            if (open[g] === 1 || chain.readers[g] === 0) continue;
            this.#openIfRead(g, plan, lowerName, open);
          }
        }
      }
    }
  }

  /** The gates whose literals `view` holds, each once (views repeat across fields and chains). */
  #hits(view: string, scanned: Map<string, readonly number[]>): readonly number[] {
    let hits = scanned.get(view);
    if (hits === undefined) {
      if (++this.#epoch === 0x40000000) {
        this.#stamp.fill(0);
        this.#epoch = 1;
      }
      hits = this.#automaton.gatesIn(view, this.#stamp, this.#epoch);
      scanned.set(view, hits);
    }
    return hits;
  }

  #openIfRead(g: number, plan: FieldPlan, lowerName: string, open: Uint8Array): void {
    const r = plan.readers[g];
    if (r === 1 || (r === 2 && this.#reads[g]!.get(plan.collection)!.has(lowerName))) open[g] = 1;
  }
}
