import { EdgeError } from "../core/errors.js";
import { fact } from "../facts/index.js";

// Cloudflare's Rules language limits an expression to 4,096 characters (Ruleset Engine docs,
// "Rule expressions", via the facts registry).
export const RULE_EXPRESSION_LENGTH_MAX = fact("rules.expressionCharsMax").value;

/** A rule that cannot be parsed or type-checked; `position` is the 0-based character offset. */
export class WafRuleSyntaxError extends EdgeError {
  readonly position: number;

  constructor(position: number, message: string) {
    super("WAF_RULE_SYNTAX", 400, `${message} at position ${position}`);
    this.position = position;
  }
}
