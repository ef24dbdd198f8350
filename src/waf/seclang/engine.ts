/**
 * A SecLang rule engine: enough of ModSecurity's semantics to run the OWASP Core Rule Set's
 * request rules as they are written. Rules run in file order within phase 1 (headers) and then
 * phase 2 (body); `chain` links must all match; `skipAfter`/`SecMarker` jump; `setvar` keeps the
 * transaction's `TX` variables, which is where CRS adds up its anomaly score; a `deny` ends
 * evaluation with a block. Phases 3–5 (responses) are not loaded: the edge inspects requests.
 *
 * Anything the engine cannot do faithfully (an operator, transformation, variable, action or a
 * PCRE construct) refuses the whole rule, by id, with the reason: never a silent drop, never an
 * approximation. `refused` lists them; the server prints the count at start-up.
 */
import { EdgeError } from "../../core/errors.js";
import { cidrContains, parseCidr, parseIp, type Cidr } from "../ip-address.js";
import { RequestCollections, isCollectionName, type Entry } from "../collections.js";
import type { WafRequest } from "../request.js";
import { detectSqli, detectXss } from "./detect.js";
import { parseActions, parseVariables, type Action, type Directive, type VariableSpec } from "./parse.js";
import { PcreTranslationError, translatePcre } from "./pcre.js";
import { TRANSFORMS, chainPrefixKeys, runTransformChain, type Transform } from "./transforms.js";
import { requiredLiterals } from "./literals.js";
import { compilePattern, type PatternMatcher } from "./linear-regex.js";
import { TxVars, type TxRecording } from "./tx-vars.js";
import { LiteralAutomaton, Prefilter, gateableTargets, type GateSpec } from "./prefilter.js";

/**
 * The window of a value a pattern operator reads: its first 2 KiB, and for a longer value its
 * last 2 KiB as well (so padding in front does not hide a payload). Patterns that could
 * backtrack more than quadratically run on RE2, in linear time (linear-regex.ts); the window
 * bounds the quadratic ones. ModSecurity bounds the same work with its PCRE match limit.
 */
export const SECLANG_INPUT_LENGTH_MAX = 2 * 1024;

export class SecLangUnsupported extends Error {}

type Disruptive = "pass" | "block" | "deny" | "drop" | "allow" | "redirect";

interface Link {
  readonly targets: readonly VariableSpec[];
  readonly exclusions: readonly VariableSpec[];
  readonly transforms: readonly Transform[];
  readonly transformNames: readonly string[];
  readonly transformKey: string;
  /** Cache keys of the chain's prefixes (see runTransformChain). */
  readonly prefixKeys: readonly string[];
  readonly operator: Operator;
  /** Lower-cased literals one of which a value must contain to match (undefined: no such set). */
  readonly literals: readonly string[] | undefined;
  readonly capture: boolean;
  readonly negated: boolean;
  readonly multiMatch: boolean;
  readonly setvars: readonly string[];
  readonly ctls: readonly string[];
  /** Reads only TX and engine variables, expands only TX/RULE macros, and has no `ctl`. */
  readonly constant: boolean;
  readonly next?: Link;
}

export interface RuleInfo {
  readonly id: string;
  readonly phase: number;
  readonly paranoiaLevel: number;
  readonly msg: string;
  readonly tags: readonly string[];
  readonly severity: string;
  readonly file: string;
  readonly line: number;
}

interface Rule extends RuleInfo {
  readonly link: Link;
  readonly disruptive: Disruptive;
  readonly skipAfter?: string;
  readonly skip: number;
  /** Not `nolog`, and says what it found (`msg`). */
  readonly logs: boolean;
  /** The prefilter gate of this rule, or -1 when it always runs. */
  gate: number;
  /**
   * Its outcome depends only on TX (and it only sets TX and passes): while no request-dependent
   * rule has changed TX, its outcome is the same for every request.
   */
  constant: boolean;
}

/** What a run of constant rules from one step did, recorded once and replayed. */
interface Segment extends TxRecording {
  /** The first step after the run. */
  readonly next: number;
  readonly matches: readonly SecLangMatch[];
}

/** Recorded runs kept per step (different TX inputs give different runs; CRS needs one or two). */
const SEGMENTS_PER_STEP_MAX = 4;

type Step = { kind: "rule"; rule: Rule } | { kind: "marker"; name: string };

export interface RefusedRule {
  readonly id: string;
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

export interface SecLangMatch {
  readonly id: string;
  readonly msg: string;
  readonly severity: string;
  readonly paranoiaLevel: number;
  readonly tags: readonly string[];
  /** The first variable the rule matched, as `ARGS:q`. */
  readonly variable: string;
}

export interface SecLangVerdict {
  readonly blocked: boolean;
  /** The rule whose `deny`/`drop` ended evaluation. */
  readonly disruptiveRuleId?: string;
  /** Rules that matched and log (`nolog` housekeeping rules are left out). */
  readonly matches: readonly SecLangMatch[];
  /** CRS's `tx.anomaly_score` (inbound, all paranoia levels run) when the rules set it. */
  readonly anomalyScore: number;
}

export interface SecLangOptions {
  /** Reads a data file named by `@pmFromFile`/`@ipMatchFromFile`, relative to the rule's file. */
  readDataFile?: (name: string, ruleFile: string) => string;
  /** TX variables set before any rule runs (CRS's settings: `tx.paranoia_level`, …). */
  initialTx?: Readonly<Record<string, string | number>>;
  /**
   * Skip rules that cannot match this request, decided by one scan of each field for the
   * rules' required literals (see prefilter.ts). Verdicts are the same either way.
   * @defaultValue true
   */
  prefilter?: boolean;
}

// Variables the engine knows beyond the request collections.
const ENGINE_VARIABLES = new Set(["TX", "MATCHED_VAR", "MATCHED_VAR_NAME", "MATCHED_VARS", "MATCHED_VARS_NAMES", "UNIQUE_ID", "DURATION", "RULE"]);
// Persistent collections (IP reputation, sessions), XML bodies and geolocation are not modelled:
// they read as empty, so rules on them never match. Documented in the WAF README.
const EMPTY_VARIABLES = new Set(["IP", "GLOBAL", "SESSION", "USER", "RESOURCE", "GEO", "XML", "WEBSERVER_ERROR_LOG", "ENV", "MULTIPART_PART_HEADERS"]);
const METADATA_ACTIONS = new Set([
  "id", "phase", "msg", "logdata", "tag", "ver", "rev", "severity", "accuracy", "maturity", "nolog", "log", "auditlog", "noauditlog",
  "status", "expirevar", "initcol", "setenv", "sanitiseMatched", "sanitiseArg", "sanitizeMatched", "sanitizeArg", "capture", "multiMatch",
  "chain", "t", "setvar", "ctl", "skipAfter", "skip", "pass", "block", "deny", "drop", "allow", "redirect", "setuid", "setsid",
]);
const SEVERITIES = ["EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG"];

type Operator = (value: string, t: Transaction) => boolean;

class Transaction {
  readonly tx = new TxVars();
  readonly c: RequestCollections;
  matchedVar = "";
  matchedVarName = "";
  /** Replaced, never changed in place (it may be the shared `NO_ENTRIES`). */
  matchedVars: readonly Entry[] = NO_ENTRIES;
  /** `ctl:ruleRemoveById` values: ids and ranges (`920100 920200-920299`). */
  readonly removedIds: string[] = [];
  readonly removedTags: string[] = [];
  readonly removedTargets = new Map<string, VariableSpec[]>();
  readonly removedTargetsByTag: { tag: string; spec: VariableSpec }[] = [];
  /** Transformed values by transformation chain, then input: rules share chains and targets. */
  readonly transformed = new Map<string, Map<string, string>>();
  engineOff = false;
  detectionOnly = false;
  ruleId = "";
  /** Per prefilter gate: 1 when its rule may match this request. */
  open: Uint8Array | undefined;

  constructor(request: WafRequest) {
    this.c = new RequestCollections(request);
  }
}

const lowerCache = new Map<string, string>();
function lowerSelector(sel: string): string {
  let l = lowerCache.get(sel);
  if (l === undefined) {
    l = sel.toLowerCase();
    lowerCache.set(sel, l);
  }
  return l;
}

function selects(spec: VariableSpec, name: string): boolean {
  if (spec.selector === undefined) return true;
  if (typeof spec.selector === "string") {
    const sel = lowerSelector(spec.selector);
    return sel.length === name.length && (sel === name || sel === name.toLowerCase());
  }
  return spec.selector.test(name);
}

const NO_ENTRIES: readonly Entry[] = Object.freeze([]);

/** Members of one variable, before exclusions. */
function members(spec: VariableSpec, t: Transaction): readonly Entry[] {
  const name = spec.collection;
  if (name === "TX") {
    if (typeof spec.selector === "string") {
      const key = lowerSelector(spec.selector);
      const v = t.tx.get(key);
      return v === undefined ? NO_ENTRIES : [{ name: key, value: v }];
    }
    const all: Entry[] = [];
    for (const [k, v] of t.tx) if (spec.selector === undefined || spec.selector.test(k)) all.push({ name: k, value: v });
    return all;
  }
  let all: readonly Entry[];
  if (isCollectionName(name)) all = t.c.get(name);
  else if (name === "MATCHED_VAR") all = t.matchedVarName === "" ? [] : [{ name: t.matchedVarName, value: t.matchedVar }];
  else if (name === "MATCHED_VAR_NAME") all = t.matchedVarName === "" ? [] : [{ name: "MATCHED_VAR_NAME", value: t.matchedVarName }];
  else if (name === "MATCHED_VARS") all = t.matchedVars;
  else if (name === "MATCHED_VARS_NAMES") all = t.matchedVars.map((e) => ({ name: e.name, value: e.name }));
  else if (name === "UNIQUE_ID") all = [{ name, value: "edge-kata" }];
  else if (name === "DURATION") all = [{ name, value: "0" }];
  else if (name === "RULE") all = [{ name: "id", value: t.ruleId }];
  else return NO_ENTRIES;
  if (spec.selector === undefined || all.length === 0) return all;
  const out: Entry[] = [];
  for (const e of all) if (selects(spec, e.name)) out.push(e);
  return out;
}

const NO_SPECS: VariableSpec[] = [];

// Variables whose value does not depend on the request (MATCHED_* within a chain of such links).
const CONSTANT_VARIABLES = new Set(["TX", "UNIQUE_ID", "DURATION", "RULE", "MATCHED_VAR", "MATCHED_VAR_NAME", "MATCHED_VARS", "MATCHED_VARS_NAMES", ...EMPTY_VARIABLES]);

/** Every `%{…}` in the text names TX, RULE or a matched variable. */
function constantMacros(text: string): boolean {
  for (const m of text.matchAll(/%\{([^}.]+)/g)) if (!/^(tx|rule|matched_vars?(_names?)?)$/i.test(m[1]!)) return false;
  return true;
}

/** `ARGS:q`, `TX:foo`; scalars by their own name. */
function variableName(collection: string, name: string): string {
  return collection === name ? name : `${collection}:${name}`;
}

function macroValue(expr: string, t: Transaction): string {
  const dot = expr.indexOf(".");
  const collection = (dot < 0 ? expr : expr.slice(0, dot)).toUpperCase();
  const key = dot < 0 ? undefined : expr.slice(dot + 1);
  if (collection === "TX" && key !== undefined) return t.tx.get(key.toLowerCase()) ?? "";
  if (collection === "RULE" && key === "id") return t.ruleId;
  const spec: VariableSpec = key === undefined ? { collection, count: false, exclude: false } : { collection, count: false, exclude: false, selector: key };
  return members(spec, t)[0]?.value ?? "";
}

function expand(text: string, t: Transaction): string {
  return text.includes("%{") ? text.replace(/%\{([^}]+)\}/g, (_m, e: string) => macroValue(e, t)) : text;
}

/** Aho–Corasick over lower-cased phrases: `@pm` with hundreds of phrases in one pass. */
function phraseMatcher(phrases: readonly string[]): (input: string) => string | undefined {
  const goto: Map<number, number>[] = [new Map()];
  const fail: number[] = [0];
  const out: (string | undefined)[] = [undefined];
  for (const raw of phrases) {
    const phrase = raw.toLowerCase();
    if (phrase === "") continue;
    let s = 0;
    for (let i = 0; i < phrase.length; i++) {
      const ch = phrase.charCodeAt(i);
      let next = goto[s]!.get(ch);
      if (next === undefined) {
        next = goto.length;
        goto.push(new Map());
        fail.push(0);
        out.push(undefined);
        goto[s]!.set(ch, next);
      }
      s = next;
    }
    out[s] ??= phrase;
  }
  const queue: number[] = [...goto[0]!.values()];
  for (let q = 0; q < queue.length; q++) {
    const r = queue[q]!;
    for (const [ch, s] of goto[r]!) {
      queue.push(s);
      let f = fail[r]!;
      while (f !== 0 && !goto[f]!.has(ch)) f = fail[f]!;
      const target = r === 0 ? undefined : goto[f]!.get(ch);
      fail[s] = target !== undefined && target !== s ? target : 0;
      out[s] ??= out[fail[s]!];
    }
  }
  const first = new Set(goto[0]!.keys());
  return (input) => {
    let s = 0;
    const text = input.toLowerCase();
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (s === 0 && !first.has(ch)) continue;
      let next = goto[s]!.get(ch);
      while (next === undefined && s !== 0) {
        s = fail[s]!;
        next = goto[s]!.get(ch);
      }
      s = next ?? 0;
      const hit = out[s];
      if (hit !== undefined) return hit;
    }
    return undefined;
  };
}

function byteRanges(spec: string): boolean[] {
  const allowed = new Array<boolean>(256).fill(false);
  for (const part of spec.split(/[\s,]+/)) {
    if (part === "") continue;
    const [a, b] = part.split("-").map((n) => Number(n));
    if (a === undefined || !Number.isInteger(a) || (b !== undefined && !Number.isInteger(b))) throw new SecLangUnsupported(`bad byte range "${part}"`);
    for (let x = a; x <= (b ?? a) && x < 256; x++) allowed[x] = true;
  }
  return allowed;
}

const toInt = (s: string): number => {
  const n = parseInt(s, 10);
  return Number.isNaN(n) ? 0 : n;
};

function asciiLiterals(list: readonly string[]): readonly string[] | undefined {
  const out = new Set<string>();
  for (const l of list) {
    if (l === "" || /[^\x00-\x7f]/.test(l)) return undefined;
    out.add(l.toLowerCase());
  }
  return out.size === 0 ? undefined : [...out];
}

function compileOperator(spec: string, capture: boolean, ruleFile: string, options: SecLangOptions): { op: Operator; negated: boolean; literals: readonly string[] | undefined } {
  let s = spec;
  const negated = s.startsWith("!");
  if (negated) s = s.slice(1);
  let name = "rx";
  let param = s;
  if (s.startsWith("@")) {
    const space = s.indexOf(" ");
    name = space < 0 ? s.slice(1) : s.slice(1, space);
    param = space < 0 ? "" : s.slice(space + 1);
  }
  const dynamic = param.includes("%{");
  const arg = (t: Transaction): string => (dynamic ? expand(param, t) : param);
  const cap = (v: string): string => (v.length > SECLANG_INPUT_LENGTH_MAX ? v.slice(0, SECLANG_INPUT_LENGTH_MAX) : v);
  const tail = (v: string): string | undefined => (v.length > SECLANG_INPUT_LENGTH_MAX ? v.slice(-SECLANG_INPUT_LENGTH_MAX) : undefined);
  const readData = (): string[] => {
    if (!options.readDataFile) throw new SecLangUnsupported(`@${name} needs data files and none can be read here`);
    return param
      .split(/\s+/)
      .filter((f) => f !== "")
      .flatMap((f) => options.readDataFile!(f, ruleFile).split(/\r?\n/))
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
  };
  let op: Operator;
  let literals: readonly string[] | undefined;
  switch (name) {
    case "rx": {
      const compile = (pattern: string): { re: PatternMatcher; source: string; captures: number; endAnchor: boolean } => {
        try {
          const translated = translatePcre(pattern);
          return { re: compilePattern(translated.source, translated.flags), source: translated.source, captures: translated.captures, endAnchor: translated.endAnchor };
        } catch (error) {
          if (error instanceof PcreTranslationError) throw new SecLangUnsupported(`@rx: ${error.message}`);
          throw error;
        }
      };
      // A pattern with a macro (`^%{tx.allowed_charsets}$`) compiles per distinct expansion;
      // TX values come from configuration, so the cache stays small (bounded anyway).
      const cache = new Map<string, { re: PatternMatcher; source: string; captures: number; endAnchor: boolean }>();
      const fixed = dynamic ? undefined : compile(param);
      if (fixed) literals = requiredLiterals(fixed.source);
      // Per value, the same necessary condition the prefilter checks per rule: a value holding
      // none of the pattern's required literals cannot match, so the regex (often on RE2) is
      // not run on it. Off with the prefilter, so the general path stays the reference.
      const mayMatch = literals !== undefined && options.prefilter !== false ? new LiteralAutomaton(literals.map((text) => ({ text, gate: 0 }))) : undefined;
      const regexFor = (t: Transaction): { re: PatternMatcher; source: string; captures: number; endAnchor: boolean } | undefined => {
        if (fixed) return fixed;
        const pattern = arg(t);
        let hit = cache.get(pattern);
        if (hit === undefined) {
          try {
            hit = compile(pattern);
          } catch {
            return undefined;
          }
          if (cache.size < 64) cache.set(pattern, hit);
        }
        return hit;
      };
      op = (v, t) => {
        if (mayMatch !== undefined && !mayMatch.containsAny(v)) return false;
        const rx = regexFor(t);
        if (!rx) return false;
        const input = cap(v);
        const end = tail(v) ?? input;
        // PCRE's `$` also matches before a final newline.
        const alt = rx.endAnchor && end.endsWith("\n") ? end.slice(0, -1) : undefined;
        const far = end === input ? undefined : end;
        if (!capture) return rx.re.test(input) || (far !== undefined && rx.re.test(far)) || (alt !== undefined && rx.re.test(alt));
        let m = rx.re.exec(input);
        if (!m && far !== undefined) m = rx.re.exec(far);
        if (!m && alt !== undefined) m = rx.re.exec(alt);
        if (!m) return false;
        t.tx.set("0", m.match);
        for (let g = 1; g <= Math.min(9, rx.captures); g++) t.tx.set(String(g), m.group(g));
        return true;
      };
      break;
    }
    case "pm":
    case "pmf":
    case "pmFromFile": {
      const phrases = name === "pm" ? param.split(/\s+/) : readData();
      const find = phraseMatcher(phrases);
      literals = asciiLiterals(phrases.filter((p) => p !== ""));
      op = (v, t) => {
        const hit = find(v);
        if (hit !== undefined && capture) t.tx.set("0", hit);
        return hit !== undefined;
      };
      break;
    }
    case "streq":
      op = (v, t) => v === arg(t);
      if (!dynamic) literals = asciiLiterals([param]);
      break;
    case "contains":
      op = (v, t) => v.includes(arg(t));
      if (!dynamic) literals = asciiLiterals([param]);
      break;
    case "containsWord":
      if (!dynamic) literals = asciiLiterals([param]);
      op = (v, t) => {
        const w = arg(t);
        if (w === "") return true;
        for (let at = v.indexOf(w); at >= 0; at = v.indexOf(w, at + 1)) {
          const before = v[at - 1];
          const after = v[at + w.length];
          if ((before === undefined || !/\w/.test(before)) && (after === undefined || !/\w/.test(after))) return true;
        }
        return false;
      };
      break;
    case "beginsWith":
      op = (v, t) => v.startsWith(arg(t));
      if (!dynamic) literals = asciiLiterals([param]);
      break;
    case "endsWith":
      op = (v, t) => v.endsWith(arg(t));
      if (!dynamic) literals = asciiLiterals([param]);
      break;
    case "within":
      op = (v, t) => v !== "" && arg(t).includes(v);
      break;
    case "eq":
      op = (v, t) => toInt(v) === toInt(arg(t));
      break;
    case "ge":
      op = (v, t) => toInt(v) >= toInt(arg(t));
      break;
    case "gt":
      op = (v, t) => toInt(v) > toInt(arg(t));
      break;
    case "le":
      op = (v, t) => toInt(v) <= toInt(arg(t));
      break;
    case "lt":
      op = (v, t) => toInt(v) < toInt(arg(t));
      break;
    case "validateByteRange": {
      const allowed = byteRanges(param);
      op = (v) => {
        for (const b of Buffer.from(cap(v), "utf8")) if (!allowed[b]) return true;
        return false;
      };
      break;
    }
    case "validateUrlEncoding":
      op = (v) => /%(?![0-9a-fA-F]{2})/.test(v);
      break;
    case "validateUtf8Encoding":
      // Values are decoded as UTF-8 with U+FFFD for invalid sequences: a replacement char is one.
      op = (v) => v.includes("\ufffd");
      break;
    case "ipMatch":
    case "ipMatchF":
    case "ipMatchFromFile": {
      const list = name === "ipMatch" ? param.split(",") : readData();
      const cidrs: Cidr[] = list.map((c) => {
        try {
          return parseCidr(c.trim());
        } catch {
          throw new SecLangUnsupported(`@${name}: "${c}" is not an address or CIDR`);
        }
      });
      op = (v) => {
        const ip = parseIp(v);
        return ip !== null && cidrs.some((c) => cidrContains(c, ip));
      };
      break;
    }
    case "unconditionalMatch":
      op = () => true;
      break;
    case "noMatch":
      op = () => false;
      break;
    case "detectSQLi":
      op = (v) => detectSqli(v);
      break;
    case "detectXSS":
      op = (v) => detectXss(v);
      break;
    default:
      throw new SecLangUnsupported(`operator @${name} is not supported (needs ${name === "rbl" ? "DNS lookups" : name === "geoLookup" ? "a GeoIP database" : "an implementation"})`);
  }
  return { op, negated, literals: negated ? undefined : literals };
}

function compileTransforms(actions: readonly Action[]): { transforms: Transform[]; names: string[]; key: string } {
  let names: string[] = [];
  for (const a of actions) {
    if (a.name !== "t") continue;
    if (a.value === "none") names = [];
    else {
      if (TRANSFORMS[a.value] === undefined) throw new SecLangUnsupported(`transformation t:${a.value} is not supported`);
      names.push(a.value);
    }
  }
  return { transforms: names.map((n) => TRANSFORMS[n]!), names, key: names.join(",") };
}

function checkVariables(specs: readonly VariableSpec[]): void {
  for (const s of specs) {
    if (!isCollectionName(s.collection) && !ENGINE_VARIABLES.has(s.collection) && !EMPTY_VARIABLES.has(s.collection)) {
      throw new SecLangUnsupported(`variable ${s.collection} is not supported`);
    }
  }
}

function compileLink(vars: string, operator: string, actions: readonly Action[], file: string, options: SecLangOptions, next?: Link): Link {
  for (const a of actions) if (!METADATA_ACTIONS.has(a.name)) throw new SecLangUnsupported(`action ${a.name} is not supported`);
  const specs = vars === "" ? [] : parseVariables(vars);
  checkVariables(specs);
  const { transforms, names, key } = compileTransforms(actions);
  const capture = actions.some((a) => a.name === "capture");
  const { op, negated, literals } = compileOperator(operator, capture, file, options);
  return {
    targets: specs.filter((s) => !s.exclude),
    exclusions: specs.filter((s) => s.exclude),
    transforms,
    transformNames: names,
    transformKey: key,
    prefixKeys: chainPrefixKeys(names),
    operator: op,
    literals,
    capture,
    negated,
    multiMatch: actions.some((a) => a.name === "multiMatch"),
    setvars: actions.filter((a) => a.name === "setvar").map((a) => a.value),
    ctls: actions.filter((a) => a.name === "ctl").map((a) => a.value),
    constant:
      specs.every((v) => CONSTANT_VARIABLES.has(v.collection) && (v.collection !== "TX" || typeof v.selector === "string")) &&
      !actions.some((a) => a.name === "ctl") &&
      constantMacros(operator) &&
      actions.every((a) => a.name !== "setvar" || constantMacros(a.value)),
    ...(next ? { next } : {}),
  };
}

function applySetvar(expr: string, t: Transaction): void {
  let e = expr;
  const remove = e.startsWith("!");
  if (remove) e = e.slice(1);
  const eq = e.indexOf("=");
  const target = expand(eq < 0 ? e : e.slice(0, eq), t).trim();
  const dot = target.indexOf(".");
  // Only TX lives here: IP, SESSION, GLOBAL … are persistent collections edge-kata does not keep.
  if (dot < 0 || target.slice(0, dot).toLowerCase() !== "tx") return;
  const key = target.slice(dot + 1).toLowerCase();
  if (remove) {
    t.tx.delete(key);
    return;
  }
  if (eq < 0) {
    t.tx.set(key, "1");
    return;
  }
  const raw = e.slice(eq + 1);
  if ((raw.startsWith("+") || raw.startsWith("-")) && raw.length > 1) {
    const delta = toInt(expand(raw.slice(1), t));
    t.tx.set(key, String(toInt(t.tx.get(key) ?? "0") + (raw[0] === "+" ? delta : -delta)));
    return;
  }
  t.tx.set(key, expand(raw, t));
}

function idInList(id: string, list: string): boolean {
  for (const part of list.split(/[\s,]+/)) {
    if (part === "") continue;
    const dash = part.indexOf("-");
    if (dash > 0) {
      const n = Number(id);
      if (n >= Number(part.slice(0, dash)) && n <= Number(part.slice(dash + 1))) return true;
    } else if (part === id) return true;
  }
  return false;
}

function applyCtl(expr: string, t: Transaction): void {
  const eq = expr.indexOf("=");
  const name = expr.slice(0, eq).trim();
  const value = expand(expr.slice(eq + 1), t).trim();
  switch (name) {
    case "ruleRemoveById":
      t.removedIds.push(value);
      break;
    case "ruleRemoveByTag":
      t.removedTags.push(value);
      break;
    case "ruleRemoveTargetById":
    case "ruleRemoveTargetByTag": {
      const semi = value.indexOf(";");
      const spec = parseVariables(value.slice(semi + 1))[0];
      if (semi < 0 || !spec) break;
      if (name === "ruleRemoveTargetById") {
        const id = value.slice(0, semi);
        t.removedTargets.set(id, [...(t.removedTargets.get(id) ?? []), spec]);
      } else t.removedTargetsByTag.push({ tag: value.slice(0, semi), spec });
      break;
    }
    case "ruleEngine":
      if (value.toLowerCase() === "off") t.engineOff = true;
      else if (value.toLowerCase() === "detectiononly") t.detectionOnly = true;
      break;
    default:
      // auditEngine, auditLogParts, requestBodyProcessor, forceRequestBodyVariable: logging
      // and body-processor choices the edge makes by content type already.
      break;
  }
}

/** A compiled rule set. */
export class SecLangRuleset {
  readonly rules: readonly RuleInfo[];
  readonly refused: readonly RefusedRule[];
  /** Directives read and deliberately not acted on (logging, storage), by name. */
  readonly ignoredDirectives: ReadonlyMap<string, number>;
  readonly #phases: ReadonlyMap<number, readonly Step[]>;
  readonly #initialTx: ReadonlyMap<string, string>;
  readonly #prefilter: Prefilter | undefined;
  /** Per phase, per step: the recorded run of constant rules starting there. */
  readonly #segments = new Map<number, Segment[][]>();

  constructor(directives: readonly Directive[], options: SecLangOptions = {}) {
    const rules: Rule[] = [];
    const refused: RefusedRule[] = [];
    const ignored = new Map<string, number>();
    const steps: { step: Step; phase: number | "all" }[] = [];
    const defaults = new Map<number, Disruptive>();
    const updates: { id: string; vars: string }[] = [];
    const removals: string[] = [];
    for (let i = 0; i < directives.length; i++) {
      const d = directives[i]!;
      if (d.name === "SecMarker") {
        steps.push({ step: { kind: "marker", name: d.args[0] ?? "" }, phase: "all" });
        continue;
      }
      if (d.name === "SecDefaultAction") {
        const acts = parseActions(d.args[0] ?? "");
        const phase = Number(acts.find((a) => a.name === "phase")?.value ?? 2);
        const disruptive = acts.find((a) => ["pass", "deny", "drop", "block", "allow", "redirect"].includes(a.name))?.name as Disruptive | undefined;
        if (disruptive) defaults.set(phase, disruptive);
        continue;
      }
      if (d.name === "SecRuleUpdateTargetById") {
        updates.push({ id: d.args[0] ?? "", vars: d.args[1] ?? "" });
        continue;
      }
      if (d.name === "SecRuleRemoveById") {
        removals.push(...d.args);
        continue;
      }
      if (d.name !== "SecRule" && d.name !== "SecAction") {
        ignored.set(d.name, (ignored.get(d.name) ?? 0) + 1);
        continue;
      }
      // A rule and its chain links, which follow it as further SecRule directives.
      const chain: Directive[] = [d];
      while (parseActions(chain[chain.length - 1]!.args[d.name === "SecAction" && chain.length === 1 ? 0 : 2] ?? "").some((a) => a.name === "chain") && directives[i + 1]?.name === "SecRule") chain.push(directives[++i]!);
      const head = parseActions((d.name === "SecAction" ? d.args[0] : d.args[2]) ?? "");
      const get = (n: string): string | undefined => head.find((a) => a.name === n)?.value;
      const id = get("id") ?? "";
      try {
        if (id === "") throw new SecLangUnsupported("rule without an id");
        let link: Link | undefined;
        for (let k = chain.length - 1; k >= 0; k--) {
          const c = chain[k]!;
          link = c.name === "SecAction" ? compileLink("", "@unconditionalMatch", parseActions(c.args[0] ?? ""), c.file, options, link) : compileLink(c.args[0] ?? "", c.args[1] ?? "", parseActions(c.args[2] ?? ""), c.file, options, link);
        }
        const phaseText = get("phase") ?? "2";
        const phase = phaseText === "request" ? 2 : phaseText === "response" ? 4 : phaseText === "logging" ? 5 : Number(phaseText);
        const severityText = (get("severity") ?? "").toUpperCase();
        const severity = /^\d$/.test(severityText) ? (SEVERITIES[Number(severityText)] ?? "") : severityText;
        const tags = head.filter((a) => a.name === "tag").map((a) => a.value);
        const pl = tags.map((tg) => /^paranoia-level\/(\d)$/.exec(tg)?.[1]).find((x) => x !== undefined);
        const disruptive = (head.find((a) => ["pass", "deny", "drop", "block", "allow", "redirect"].includes(a.name))?.name ?? "pass") as Disruptive;
        const skipAfter = get("skipAfter");
        const rule: Rule = {
          id,
          phase,
          paranoiaLevel: pl === undefined ? 1 : Number(pl),
          msg: get("msg") ?? "",
          tags,
          severity,
          file: d.file,
          line: d.line,
          link: link!,
          disruptive,
          skip: Number(get("skip") ?? 0),
          logs: !head.some((a) => a.name === "nolog") && get("msg") !== undefined,
          gate: -1,
          constant: false,
          ...(skipAfter === undefined ? {} : { skipAfter }),
        };
        rules.push(rule);
        steps.push({ step: { kind: "rule", rule }, phase });
      } catch (error) {
        if (!(error instanceof SecLangUnsupported)) throw error;
        refused.push({ id, file: d.file, line: d.line, reason: error.message });
      }
    }
    // Configuration-time changes to rules, applied after every rule is known.
    const removed = new Set(rules.filter((r) => removals.some((list) => idInList(r.id, list))).map((r) => r.id));
    for (const u of updates) {
      const rule = rules.find((r) => r.id === u.id);
      if (!rule) continue;
      const specs = parseVariables(u.vars);
      checkVariables(specs);
      const link = rule.link as { targets: readonly VariableSpec[]; exclusions: readonly VariableSpec[] };
      link.targets = [...link.targets, ...specs.filter((s) => !s.exclude)];
      link.exclusions = [...link.exclusions, ...specs.filter((s) => s.exclude)];
    }
    const gates: GateSpec[] = [];
    if (options.prefilter !== false) {
      for (const r of rules) {
        const link = gateLink(r.link);
        if (link === undefined) continue;
        r.gate = gates.length;
        gates.push({ targets: link.targets, literals: link.literals, transformNames: link.transformNames, transforms: link.transforms, transformKey: link.transformKey, multiMatch: link.multiMatch });
      }
    }
    this.#prefilter = gates.length === 0 ? undefined : new Prefilter(gates);
    const phases = new Map<number, Step[]>();
    for (const p of [1, 2]) {
      phases.set(
        p,
        steps.filter((s) => (s.phase === "all" || s.phase === p) && !(s.step.kind === "rule" && removed.has(s.step.rule.id))).map((s) => s.step),
      );
    }
    // `block` means the phase's SecDefaultAction (CRS: pass, and let the anomaly score decide).
    for (const r of rules) if (r.disruptive === "block") (r as { disruptive: Disruptive }).disruptive = defaults.get(r.phase) ?? "deny";
    for (const r of rules) {
      let constant = r.disruptive === "pass" && r.skip === 0 && constantMacros(r.msg);
      for (let link: Link | undefined = r.link; link && constant; link = link.next) constant = link.constant;
      r.constant = constant && options.prefilter !== false;
    }
    this.rules = rules.filter((r) => !removed.has(r.id));
    this.refused = refused;
    this.ignoredDirectives = ignored;
    this.#phases = phases;
    this.#initialTx = new Map(Object.entries(options.initialTx ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  }

  // ANCHOR: evaluate
  evaluate(request: WafRequest): SecLangVerdict {
    const t = new Transaction(request);
    for (const [k, v] of this.#initialTx) t.tx.set(k, v);
    const pf = this.#prefilter;
    if (pf !== undefined) {
      t.open = new Uint8Array(pf.gates);
      pf.open((c) => t.c.get(c), t.transformed, t.open);
    }
    const matches: SecLangMatch[] = [];
    let blockedBy: string | undefined;
    // Runs of constant rules are recorded once and replayed where TX holds what they read.
    const fast = this.#prefilter !== undefined;
    phases: for (const phase of [1, 2]) {
      const steps = this.#phases.get(phase)!;
      let segments = this.#segments.get(phase);
      if (segments === undefined) this.#segments.set(phase, (segments = []));
      let recordFrom = -1;
      let recordMatches = 0;
      const stopRecording = (next: number): void => {
        const list = (segments[recordFrom] ??= []);
        const recorded = t.tx.stopRecording();
        if (list.length < SEGMENTS_PER_STEP_MAX) list.push({ next, ...recorded, matches: matches.slice(recordMatches) });
        recordFrom = -1;
      };
      for (let i = 0; i < steps.length; i++) {
        const step = steps[i]!;
        if (fast) {
          const constant = step.kind === "marker" || step.rule.constant;
          if (!constant && recordFrom >= 0) stopRecording(i);
          else if (constant && recordFrom < 0 && t.removedIds.length === 0 && t.removedTags.length === 0) {
            const seg = segments[i]?.find((r) => t.tx.replay(r));
            if (seg !== undefined) {
              for (const m of seg.matches) matches.push(m);
              i = seg.next - 1;
              continue;
            }
            recordFrom = i;
            recordMatches = matches.length;
            t.tx.record();
          }
        }
        if (step.kind === "marker") continue;
        const rule = step.rule;
        if ((t.removedIds.length > 0 && t.removedIds.some((list) => idInList(rule.id, list))) || (t.removedTags.length > 0 && rule.tags.some((tg) => t.removedTags.includes(tg)))) continue;
        t.ruleId = rule.id;
        if (rule.gate >= 0 && t.open![rule.gate] === 0) {
          // The prefilter proved this rule cannot match; a rule that does not match only
          // resets the matched variables.
          t.matchedVars = NO_ENTRIES;
          t.matchedVar = "";
          t.matchedVarName = "";
          continue;
        }
        const matched = this.#runChain(rule, t);
        if (!matched) continue;
        if (rule.logs) matches.push({ id: rule.id, msg: expand(rule.msg, t), severity: rule.severity, paranoiaLevel: rule.paranoiaLevel, tags: rule.tags, variable: t.matchedVarName });
        if (t.engineOff) break phases;
        if (rule.disruptive === "deny" || rule.disruptive === "drop" || rule.disruptive === "redirect") {
          if (!t.detectionOnly) {
            blockedBy = rule.id;
            break phases;
          }
        } else if (rule.disruptive === "allow") break phases;
        if (rule.skipAfter !== undefined) {
          const target = steps.findIndex((s, k) => k > i && ((s.kind === "marker" && s.name === rule.skipAfter) || (s.kind === "rule" && s.rule.id === rule.skipAfter)));
          i = target < 0 ? steps.length : target;
        } else if (rule.skip > 0) i += rule.skip;
      }
      if (recordFrom >= 0) stopRecording(steps.length);
    }
    return {
      blocked: blockedBy !== undefined,
      ...(blockedBy === undefined ? {} : { disruptiveRuleId: blockedBy }),
      matches,
      anomalyScore: toInt(t.tx.get("anomaly_score") ?? "0"),
    };
  }
  // ANCHOR_END: evaluate

  #runChain(rule: Rule, t: Transaction): boolean {
    t.matchedVars = NO_ENTRIES;
    t.matchedVar = "";
    t.matchedVarName = "";
    const done: Link[] = [];
    for (let link: Link | undefined = rule.link; link; link = link.next) {
      if (!this.#runLink(rule, link, t)) return false;
      done.push(link);
    }
    for (const link of done) {
      for (const s of link.setvars) applySetvar(s, t);
      for (const c of link.ctls) applyCtl(c, t);
    }
    return true;
  }

  #runLink(rule: Rule, link: Link, t: Transaction): boolean {
    if (link.targets.length === 0) return link.operator("", t) !== link.negated;
    const removed = t.removedTargets.get(rule.id);
    const byTag = t.removedTargetsByTag.length === 0 ? NO_SPECS : t.removedTargetsByTag.filter((x) => rule.tags.includes(x.tag)).map((x) => x.spec);
    const exclusions = removed === undefined && byTag.length === 0 ? link.exclusions : [...link.exclusions, ...(removed ?? []), ...byTag];
    let matched: Entry[] | undefined;
    for (const spec of link.targets) {
      if (spec.count) {
        const v = String(members(spec, t).length);
        if (link.operator(v, t) !== link.negated) (matched ??= []).push({ name: spec.collection, value: v });
        continue;
      }
      const list = members(spec, t);
      if (list.length === 0) continue;
      let excl: VariableSpec[] | undefined;
      for (const x of exclusions) if (x.collection === spec.collection) (excl ??= []).push(x);
      for (const e of list) {
        if (excl !== undefined && excl.some((x) => selects(x, e.name))) continue;
        let v: string;
        let hit: boolean;
        if (link.multiMatch) {
          v = e.value;
          hit = link.operator(v, t) !== link.negated;
          for (let k = 0; !hit && k < link.transforms.length; k++) {
            v = link.transforms[k]!(v);
            hit = link.operator(v, t) !== link.negated;
          }
        } else {
          v = this.#transform(link, e.value, t);
          hit = link.operator(v, t) !== link.negated;
        }
        if (hit) (matched ??= []).push({ name: variableName(spec.collection, e.name), value: v });
      }
    }
    if (matched === undefined) return false;
    t.matchedVars = matched;
    t.matchedVar = matched[0]!.value;
    t.matchedVarName = matched[0]!.name;
    return true;
  }

  #transform(link: Link, value: string, t: Transaction): string {
    return runTransformChain(link, value, t.transformed);
  }
}

const isAlwaysEmpty = (collection: string): boolean => EMPTY_VARIABLES.has(collection);

/**
 * The link of a chain that gates its rule: the one with required literals if any, else one
 * that needs some field value; links after one that captures (a side effect even when the
 * chain fails) are not considered.
 */
function gateLink(first: Link): Link | undefined {
  let anyValue: Link | undefined;
  for (let link: Link | undefined = first; link; link = link.next) {
    if (gateableTargets(link.targets, isAlwaysEmpty)) {
      if (link.literals !== undefined) return link;
      anyValue ??= link;
    }
    if (link.capture) break;
  }
  return anyValue;
}

export function assertParanoiaLevel(pl: number): void {
  if (![1, 2, 3, 4].includes(pl)) throw new EdgeError("WAF_BAD_PARANOIA_LEVEL", 400, `paranoia level ${String(pl)} is not one of 1, 2, 3, 4`);
}
