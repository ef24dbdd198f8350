import { EdgeError } from "../core/errors.js";
import {
  ANOMALY_THRESHOLD_DEFAULT,
  MANAGED_RULES,
  SEVERITY_SCORES,
  type AttackClass,
  type InspectionTarget,
  type ManagedRule,
  type ParanoiaLevel,
} from "./managed-rules.js";
import { isAlreadyNormal, normalizeForInspection } from "./normalize.js";
import type { WafRequest } from "./request.js";
import { RequestCollections, type Collection } from "./collections.js";
import { REGEX_INPUT_LENGTH_MAX } from "./regex-guard.js";

export interface ManagedOptions {
  /** Rules with a paranoia level above this are off. @defaultValue 1 */
  paranoiaLevel?: ParanoiaLevel;
  /** Block when the anomaly score reaches this. @defaultValue 5 (OWASP CRS) */
  anomalyThreshold?: number;
  /** Rule ids to turn off (the usual remedy for a false positive). */
  disabledRuleIds?: readonly string[];
}

export interface ManagedMatch {
  readonly ruleId: string;
  readonly attackClass: AttackClass;
  readonly score: number;
  readonly target: InspectionTarget;
}

export interface ManagedVerdict {
  readonly anomalyScore: number;
  readonly blocked: boolean;
  readonly matches: readonly ManagedMatch[];
}

// Headers whose values are protocol structure, not application data: the built-in rules skip
// them (`Accept: */*` is not a SQL comment). User-Agent and Referer have targets of their own.
const STRUCTURAL_HEADERS = new Set([
  "accept", "accept-encoding", "accept-language", "cache-control", "connection", "content-length", "content-type",
  "cookie", "host", "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "pragma",
  "range", "te", "upgrade-insecure-requests", "user-agent", "referer", "origin", "dnt", "priority", "authorization",
  "early-data", "cf-connecting-ip", "x-forwarded-for", "x-forwarded-proto", "x-real-ip", "transfer-encoding",
]);

function isStructural(name: string): boolean {
  return STRUCTURAL_HEADERS.has(name) || name.startsWith("sec-");
}

function namesAndValues(entries: Collection, out: string[] = []): string[] {
  for (const e of entries) {
    if (e.name !== "") out.push(e.name);
    if (e.value !== "") out.push(e.value);
  }
  return out;
}

// The inspection targets in the order `inspectionTargets` lists them; rules refer to them by
// index in this order so that evaluation reads arrays, not a Map, per rule and request.
const TARGET_ORDER: readonly InspectionTarget[] = ["path", "args", "cookie", "body", "user-agent", "referer", "headers"];
const TARGET_INDEX = new Map(TARGET_ORDER.map((t, i) => [t, i]));

/** Every inspected string of a request, normalised once. */
export function inspectionTargets(request: WafRequest): Map<InspectionTarget, string[]> {
  const lists = inspectionLists(new RequestCollections(request));
  const targets = new Map<InspectionTarget, string[]>();
  for (let i = 0; i < TARGET_ORDER.length; i++) targets.set(TARGET_ORDER[i] as InspectionTarget, lists[i] as string[]);
  return targets;
}

/**
 * `inspectionTargets` as an array in `TARGET_ORDER`: the path; query arguments (names and
 * values); cookies; the body's arguments (urlencoded, JSON leaves, multipart fields), file
 * names and any unparsed text; the user agent; the referer; other headers' values.
 */
function inspectionLists(c: RequestCollections): string[][] {
  const request = c.request;
  const clip = (s: string): string => {
    const bounded = s.length > REGEX_INPUT_LENGTH_MAX ? s.slice(0, REGEX_INPUT_LENGTH_MAX) : s;
    return isAlreadyNormal(bounded) ? bounded : normalizeForInspection(bounded);
  };
  const referer = request.headers["referer"];
  const body: string[] = [];
  if (request.body !== undefined && request.body !== "") {
    namesAndValues(c.get("ARGS_POST"), body);
    for (const f of c.get("FILES")) body.push(f.value);
    for (const raw of c.get("REQUEST_BODY")) body.push(raw.value);
  }
  const headers: string[] = [];
  for (const name in request.headers) if (!isStructural(name)) headers.push(request.headers[name] as string);
  return [
    [clip(c.url.path)],
    c.url.query === "" ? [] : namesAndValues(c.get("ARGS_GET")).map(clip),
    request.headers["cookie"] === undefined ? [] : namesAndValues(c.get("REQUEST_COOKIES")).map(clip),
    body.map(clip),
    [(request.headers["user-agent"] ?? "").toLowerCase()],
    referer ? [clip(referer)] : [],
    headers.map(clip),
  ];
}

/** A rule with its targets as indices into `TARGET_ORDER` (-1: not a known target). */
interface RulePlan {
  readonly rule: ManagedRule;
  readonly indices: readonly number[];
}

function planOf(rule: ManagedRule): RulePlan {
  return { rule, indices: rule.targets.map((t) => TARGET_INDEX.get(t) ?? -1) };
}

/**
 * The first of the rule's targets, in the rule's order, with a string the rule's pattern
 * matches: `rule.targets.find((t) => (targets.get(t) ?? []).some((s) => rule.pattern.test(s)))`
 * with the same tests in the same order, reading arrays instead of a Map and without closures.
 */
function firstMatchingTarget(rule: ManagedRule, indices: readonly number[], lists: readonly (readonly string[])[]): InspectionTarget | undefined {
  for (let k = 0; k < indices.length; k++) {
    const strings = lists[indices[k] as number];
    if (strings === undefined) continue;
    for (let i = 0; i < strings.length; i++) if (rule.pattern.test(strings[i] as string)) return rule.targets[k];
  }
  return undefined;
}

/** Runs the managed rules at one paranoia level and sums the anomaly score. */
export class ManagedRuleset {
  readonly paranoiaLevel: ParanoiaLevel;
  readonly anomalyThreshold: number;
  readonly rules: readonly ManagedRule[];
  readonly #plans: readonly RulePlan[];

  constructor(options: ManagedOptions = {}) {
    const pl = options.paranoiaLevel ?? 1;
    if (![1, 2, 3, 4].includes(pl)) throw new EdgeError("WAF_BAD_PARANOIA_LEVEL", 400, `paranoia level ${String(pl)} is not one of 1, 2, 3, 4`);
    const threshold = options.anomalyThreshold ?? ANOMALY_THRESHOLD_DEFAULT;
    if (!(threshold > 0)) throw new EdgeError("WAF_BAD_THRESHOLD", 400, `anomaly threshold ${threshold} must be > 0`);
    const disabled = new Set(options.disabledRuleIds ?? []);
    this.paranoiaLevel = pl;
    this.anomalyThreshold = threshold;
    this.rules = MANAGED_RULES.filter((r) => r.paranoiaLevel <= pl && !disabled.has(r.id));
    this.#plans = this.rules.map(planOf);
  }

  // ANCHOR: evaluate
  evaluate(request: WafRequest): ManagedVerdict {
    const targets = inspectionLists(new RequestCollections(request));
    const matches: ManagedMatch[] = [];
    let anomalyScore = 0;
    for (const { rule, indices } of this.#plans) {
      // A rule scores once per request, however many targets it matches.
      const target = firstMatchingTarget(rule, indices, targets);
      if (target === undefined) continue;
      const score = SEVERITY_SCORES[rule.severity];
      anomalyScore += score;
      matches.push({ ruleId: rule.id, attackClass: rule.attackClass, score, target });
    }
    return { anomalyScore, blocked: anomalyScore >= this.anomalyThreshold, matches };
  // ANCHOR_END: evaluate
  }
}
