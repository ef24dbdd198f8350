import type { Clock } from "../sim/clock.js";
import { EdgeError } from "../core/errors.js";
import { compileExpression, type CompiledExpression } from "./expression-compile.js";
import { FieldContext } from "./field-context.js";
import { ManagedRuleset, type ManagedOptions } from "./managed-engine.js";
import { RateLimiter, type RateLimitOptions } from "./rate-limit.js";
import { botScore } from "./bot-score.js";
import type { WafRequest } from "./request.js";
import { WafRuleSyntaxError } from "./syntax-error.js";
import { FIELD_TYPES } from "./expression-ast.js";
import { BODY_INSPECT_BYTES_DEFAULT } from "./body.js";
import type { CrsRuleset } from "./seclang/crs.js";

/** Phases in the order Cloudflare's Ruleset Engine runs them for a request. */
export const WAF_PHASES = ["http_request_firewall_custom", "http_ratelimit", "http_request_firewall_managed"] as const;
export type WafPhase = (typeof WAF_PHASES)[number];

export type RuleAction = "block" | "challenge" | "log" | "skip";

export interface CustomRule {
  readonly id: string;
  readonly expression: string;
  readonly action: RuleAction;
  /** For `skip`: later phases to skip. Without it, `skip` skips the remaining custom rules. */
  readonly skipPhases?: readonly WafPhase[];
}

export interface RateLimitRule extends RateLimitOptions {
  readonly id: string;
  /** Which requests count. */
  readonly expression: string;
  /** Fields whose values form the counting key, e.g. `["ip.src"]`. */
  readonly characteristics: readonly string[];
  readonly action: "block" | "challenge" | "log";
}

export interface WafOptions {
  readonly clock: Clock;
  readonly customRules?: readonly CustomRule[];
  readonly rateLimitRules?: readonly RateLimitRule[];
  /** `false` turns the managed ruleset off. @defaultValue the built-in rules, PL1, threshold 5 */
  readonly managed?: ManagedOptions | false;
  /** The OWASP Core Rule Set (see `seclang/crs.ts`): when given, it is the managed ruleset. */
  readonly crs?: CrsRuleset;
  /** Bytes of a request body read for inspection (see `body.ts`). @defaultValue 128 KiB */
  readonly bodyInspectBytes?: number;
  /** IP reputation, 0 … 100. @defaultValue every address scores 0 */
  readonly threatScore?: (ip: string) => number;
}

export interface WafEvent {
  readonly phase: WafPhase;
  readonly ruleId: string;
  readonly action: RuleAction;
}

export interface WafDecision {
  readonly action: "allow" | "block" | "challenge";
  /** The rule that ended evaluation, if any. */
  readonly ruleId?: string;
  readonly phase?: WafPhase;
  readonly botScore: number;
  readonly anomalyScore: number;
  /** Every rule that matched, in order, including `log` and `skip`. */
  readonly events: readonly WafEvent[];
}

function compileRule(id: string, expression: string): CompiledExpression {
  try {
    return compileExpression(expression);
  } catch (error) {
    if (error instanceof WafRuleSyntaxError) throw new WafRuleSyntaxError(error.position, `rule ${id}: ${error.message.replace(/ at position \d+$/, "")}`);
    throw error;
  }
}

/** The request firewall: custom rules, then rate limiting, then the managed ruleset. */
export class Waf {
  readonly #clock: Clock;
  readonly bodyInspectBytes: number;
  readonly #custom: { rule: CustomRule; test: CompiledExpression }[];
  readonly #rateLimits: { rule: RateLimitRule; test: CompiledExpression; limiter: RateLimiter }[];
  readonly #managed: ManagedRuleset | null;
  readonly #crs: CrsRuleset | undefined;
  readonly #threatScore: (ip: string) => number;
  #rateWindow = -1;
  readonly #rateCounts = new Map<string, number>();

  constructor(options: WafOptions) {
    this.#clock = options.clock;
    const bodyBytes = options.bodyInspectBytes ?? BODY_INSPECT_BYTES_DEFAULT;
    if (!Number.isSafeInteger(bodyBytes) || bodyBytes < 0) throw new EdgeError("WAF_BAD_BODY_LIMIT", 400, `bodyInspectBytes ${bodyBytes} must be a whole number of bytes >= 0`);
    this.bodyInspectBytes = bodyBytes;
    this.#custom = (options.customRules ?? []).map((rule) => ({ rule, test: compileRule(rule.id, rule.expression) }));
    this.#rateLimits = (options.rateLimitRules ?? []).map((rule) => {
      if (rule.characteristics.length === 0) throw new EdgeError("WAF_BAD_RATE_LIMIT", 400, `rule ${rule.id}: characteristics must name at least one field`);
      const unknown = rule.characteristics.find((f) => FIELD_TYPES[f] === undefined);
      if (unknown !== undefined) throw new EdgeError("WAF_BAD_RATE_LIMIT", 400, `rule ${rule.id}: characteristic "${unknown}" is not a known field`);
      return { rule, test: compileRule(rule.id, rule.expression), limiter: new RateLimiter(options.clock, rule) };
    });
    this.#managed = options.managed === false || options.crs ? null : new ManagedRuleset(options.managed ?? {});
    this.#crs = options.managed === false ? undefined : options.crs;
    this.#threatScore = options.threatScore ?? (() => 0);
  }

  inspect(request: WafRequest): WafDecision {
    const requestsLastMinute = this.#countRate(request.clientIp);
    const signals = { botScore: botScore(request, { requestsLastMinute }), threatScore: this.#threatScore(request.clientIp) };
    const ctx = new FieldContext(request, signals);
    const events: WafEvent[] = [];
    const skipped = new Set<WafPhase>();
    const end = (action: "allow" | "block" | "challenge", anomalyScore: number, last?: WafEvent): WafDecision =>
      last
        ? { action, botScore: signals.botScore, anomalyScore, events, ruleId: last.ruleId, phase: last.phase }
        : { action, botScore: signals.botScore, anomalyScore, events };

    // ANCHOR: phases
    for (const { rule, test } of this.#custom) {
      if (!test(ctx)) continue;
      const event: WafEvent = { phase: "http_request_firewall_custom", ruleId: rule.id, action: rule.action };
      events.push(event);
      if (rule.action === "block" || rule.action === "challenge") return end(rule.action, 0, event);
      if (rule.action === "skip") {
        for (const p of rule.skipPhases ?? []) skipped.add(p);
        if (!rule.skipPhases) break;
      }
    }
    if (!skipped.has("http_ratelimit")) {
      for (const { rule, test, limiter } of this.#rateLimits) {
        if (!test(ctx)) continue;
        const key = rule.characteristics.map((f) => (f === "ip.src" ? request.clientIp : String(ctx.field(f)))).join("\u0000");
        if (!limiter.hit(key)) continue;
        const event: WafEvent = { phase: "http_ratelimit", ruleId: rule.id, action: rule.action };
        events.push(event);
        if (rule.action !== "log") return end(rule.action, 0, event);
      }
    }
    if (this.#crs && !skipped.has("http_request_firewall_managed")) {
      const verdict = this.#crs.evaluate(request);
      for (const m of verdict.matches) events.push({ phase: "http_request_firewall_managed", ruleId: m.id, action: "log" });
      if (verdict.blocked) {
        // The rules that scored, then the one that blocked: what `cf-waf-rule` names.
        const ids = verdict.matches.map((m) => m.id).filter((id) => id !== verdict.disruptiveRuleId);
        const event: WafEvent = { phase: "http_request_firewall_managed", ruleId: [...ids, verdict.disruptiveRuleId ?? "?"].join(","), action: "block" };
        events.push(event);
        return end("block", verdict.anomalyScore, event);
      }
      return end("allow", verdict.anomalyScore);
    }
    if (this.#managed && !skipped.has("http_request_firewall_managed")) {
      const verdict = this.#managed.evaluate(request);
      for (const m of verdict.matches) events.push({ phase: "http_request_firewall_managed", ruleId: m.ruleId, action: "log" });
      if (verdict.blocked) {
        const event: WafEvent = { phase: "http_request_firewall_managed", ruleId: "anomaly-score", action: "block" };
        events.push(event);
        return end("block", verdict.anomalyScore, event);
      }
      return end("allow", verdict.anomalyScore);
    }
    return end("allow", 0);
    // ANCHOR_END: phases
  }

  /** Requests from `ip` in the current minute: the request-rate feature of the bot score. */
  #countRate(ip: string): number {
    const windowMs = 60_000;
    const window = Math.floor(this.#clock.nowMs() / windowMs);
    if (window !== this.#rateWindow) {
      this.#rateWindow = window;
      this.#rateCounts.clear();
    }
    const n = (this.#rateCounts.get(ip) ?? 0) + 1;
    this.#rateCounts.set(ip, n);
    return n;
  }
}
