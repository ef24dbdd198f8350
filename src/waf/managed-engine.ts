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
import { normalizeForInspection } from "./normalize.js";
import { splitRawUrl, type WafRequest } from "./request.js";
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

/** Splits `a=1&b=2` into names and values, each inspected on its own as CRS inspects ARGS. */
function argParts(query: string): string[] {
  if (query === "") return [];
  const out: string[] = [];
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    if (eq < 0) out.push(pair);
    else out.push(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return out;
}

function cookieParts(cookie: string): string[] {
  return cookie === "" ? [] : cookie.split(";").flatMap((c) => argParts(c.trim()));
}

/** Every inspected string of a request, normalised once. */
export function inspectionTargets(request: WafRequest): Map<InspectionTarget, string[]> {
  const raw = splitRawUrl(request.url);
  const clip = (s: string): string => normalizeForInspection(s.length > REGEX_INPUT_LENGTH_MAX ? s.slice(0, REGEX_INPUT_LENGTH_MAX) : s);
  const body = request.body ?? "";
  const isForm = (request.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded");
  return new Map<InspectionTarget, string[]>([
    ["path", [clip(raw.path)]],
    ["args", argParts(raw.query).filter((s) => s !== "").map(clip)],
    ["cookie", cookieParts(request.headers["cookie"] ?? "").map(clip)],
    ["body", body === "" ? [] : (isForm ? argParts(body) : [body]).map(clip)],
    ["user-agent", [(request.headers["user-agent"] ?? "").toLowerCase()]],
    ["referer", request.headers["referer"] ? [clip(request.headers["referer"])] : []],
  ]);
}

/** Runs the managed rules at one paranoia level and sums the anomaly score. */
export class ManagedRuleset {
  readonly paranoiaLevel: ParanoiaLevel;
  readonly anomalyThreshold: number;
  readonly rules: readonly ManagedRule[];

  constructor(options: ManagedOptions = {}) {
    const pl = options.paranoiaLevel ?? 1;
    if (![1, 2, 3, 4].includes(pl)) throw new EdgeError("WAF_BAD_PARANOIA_LEVEL", 400, `paranoia level ${String(pl)} is not one of 1, 2, 3, 4`);
    const threshold = options.anomalyThreshold ?? ANOMALY_THRESHOLD_DEFAULT;
    if (!(threshold > 0)) throw new EdgeError("WAF_BAD_THRESHOLD", 400, `anomaly threshold ${threshold} must be > 0`);
    const disabled = new Set(options.disabledRuleIds ?? []);
    this.paranoiaLevel = pl;
    this.anomalyThreshold = threshold;
    this.rules = MANAGED_RULES.filter((r) => r.paranoiaLevel <= pl && !disabled.has(r.id));
  }

  // ANCHOR: evaluate
  evaluate(request: WafRequest): ManagedVerdict {
    const targets = inspectionTargets(request);
    const matches: ManagedMatch[] = [];
    let anomalyScore = 0;
    for (const rule of this.rules) {
      // A rule scores once per request, however many targets it matches.
      const target = rule.targets.find((t) => (targets.get(t) ?? []).some((s) => rule.pattern.test(s)));
      if (target === undefined) continue;
      const score = SEVERITY_SCORES[rule.severity];
      anomalyScore += score;
      matches.push({ ruleId: rule.id, attackClass: rule.attackClass, score, target });
    }
    return { anomalyScore, blocked: anomalyScore >= this.anomalyThreshold, matches };
  // ANCHOR_END: evaluate
  }
}
