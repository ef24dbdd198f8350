import { WafRuleSyntaxError } from "./syntax-error.js";

// Cloudflare evaluates `matches` with a linear-time engine (Rust's regex crate), so it has no
// catastrophic backtracking. JavaScript's engine backtracks; edge-kata keeps the same guarantee
// by refusing the constructs that blow up and by bounding the input. These two bounds are
// edge-kata's own choices, not Cloudflare figures.
export const REGEX_PATTERN_LENGTH_MAX = 1024;
export const REGEX_INPUT_LENGTH_MAX = 8192;

/**
 * Rejects patterns that can backtrack exponentially: a quantified group that itself contains
 * an unbounded quantifier (`(a+)+`, `(x*)*`, `(a|b+){2,}`), backreferences and lookaround
 * (neither exists in a linear-time engine).
 */
export function checkRegexSafe(pattern: string, pos: number): void {
  if (pattern.length > REGEX_PATTERN_LENGTH_MAX) {
    throw new WafRuleSyntaxError(pos, `regex is ${pattern.length} characters; the limit is ${REGEX_PATTERN_LENGTH_MAX}`);
  }
  try {
    new RegExp(pattern);
  } catch (error) {
    throw new WafRuleSyntaxError(pos, `invalid regex: ${(error as Error).message}`);
  }
  if (/\\[1-9]|\\k<|\(\?<?[=!]/.test(pattern)) {
    throw new WafRuleSyntaxError(pos, "regex backreferences and lookaround are not supported (linear-time matching only)");
  }
  // Stack of "does this open group contain an unbounded quantifier?".
  const stack: boolean[] = [false];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") stack.push(false);
    else if (c === ")") {
      const innerUnbounded = stack.pop() ?? false;
      const after = pattern.slice(i + 1);
      const quantified = /^(\*|\+|\{\d*,\d*\}|\{\d{2,}\})/.test(after);
      if (innerUnbounded && quantified) {
        throw new WafRuleSyntaxError(pos, `regex has a nested quantifier near offset ${i} (catastrophic backtracking risk)`);
      }
      if (innerUnbounded || quantified) stack[stack.length - 1] = true;
    } else if (c === "*" || c === "+" || (c === "{" && /^\{\d*,\}/.test(pattern.slice(i)))) {
      stack[stack.length - 1] = true;
    }
  }
}

/** Compiles a pattern already checked by `checkRegexSafe`. */
export function compileSafeRegex(pattern: string): (input: string) => boolean {
  const re = new RegExp(pattern);
  return (input) => re.test(input.length > REGEX_INPUT_LENGTH_MAX ? input.slice(0, REGEX_INPUT_LENGTH_MAX) : input);
}
