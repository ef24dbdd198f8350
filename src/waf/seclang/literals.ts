/**
 * Required literals of a JavaScript regex: a set of strings such that every input the regex
 * matches contains at least one of them, lower-cased (the prefilter compares lower-cased text,
 * so one set serves case-sensitive and caseless patterns alike). `undefined` when no useful set
 * exists (`.*`, `\w+`, a class of many characters): the rule then runs on every value.
 *
 * The analysis is the one RE2's and Hyperscan's prefilters make: each piece of the pattern is
 * either *exact* (the text it matches is one of a few strings) or has a *must* set (its match
 * contains one of them); sequences multiply exact sets and keep the best must set, alternations
 * unite them, an optional piece breaks the run. Only ASCII literals are kept: a non-ASCII
 * character counts as unknown, which only makes the set weaker, never wrong.
 */

type Lits = readonly string[];
interface Info {
  /** The matched text is exactly one of these (`""` for zero-width pieces). */
  readonly exact: Lits | undefined;
  /** The input contains one of these. */
  readonly must: Lits | undefined;
}

const EXACT_SET_MAX = 64;
const CLASS_CHARS_MAX = 8;
const UNKNOWN: Info = { exact: undefined, must: undefined };
const EMPTY: Info = { exact: [""], must: undefined };

/**
 * How often a character turns up in clean traffic, roughly: letters, digits and spaces in
 * nearly every value, the punctuation of URLs, dates and browser headers often, other
 * characters seldom. Only the ranking matters.
 */
function charFrequency(c: number): number {
  if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 32) return 0.3;
  // . - _ / , : ; = ( ) + *
  if (c === 46 || c === 45 || c === 95 || c === 47 || c === 44 || c === 58 || c === 59 || c === 61 || c === 40 || c === 41 || c === 43 || c === 42) return 0.1;
  return 0.02;
}

/** The estimated chance that a clean value contains one of the literals (lower is more selective). */
export function literalSetCost(set: Lits): number {
  let cost = 0;
  for (const l of set) {
    let p = 1;
    for (let i = 0; i < l.length; i++) p *= charFrequency(l.charCodeAt(i));
    cost += p;
  }
  return cost;
}

/**
 * The more selective of two sets: the one clean text is less likely to contain (a set of
 * letters opens on nearly every value, one of rare punctuation on few), then longer shortest
 * string, then fewer strings. Both sets are necessary, so either choice is correct.
 */
function better(a: Lits | undefined, b: Lits | undefined): Lits | undefined {
  const usable = (s: Lits | undefined): s is Lits => s !== undefined && s.length > 0 && !s.includes("");
  if (!usable(a)) return usable(b) ? b : undefined;
  if (!usable(b)) return a;
  const costA = literalSetCost(a);
  const costB = literalSetCost(b);
  if (costA !== costB) return costA < costB ? a : b;
  const minA = Math.min(...a.map((x) => x.length));
  const minB = Math.min(...b.map((x) => x.length));
  if (minA !== minB) return minA > minB ? a : b;
  return a.length <= b.length ? a : b;
}

const best = (i: Info): Lits | undefined => better(i.exact, i.must);

function cross(a: Lits, b: Lits): Lits | undefined {
  if (a.length * b.length > EXACT_SET_MAX) return undefined;
  const out = new Set<string>();
  for (const x of a) for (const y of b) out.add(x + y);
  return [...out];
}

function charInfo(code: number): Info {
  return code < 128 ? { exact: [String.fromCharCode(code).toLowerCase()], must: undefined } : UNKNOWN;
}

class Parser {
  i = 0;
  constructor(readonly src: string) {}

  alternation(): Info {
    const branches: Info[] = [this.sequence()];
    while (this.src[this.i] === "|") {
      this.i++;
      branches.push(this.sequence());
    }
    if (branches.length === 1) return branches[0]!;
    let exact: string[] | undefined = [];
    const must: string[] = [];
    let mustOk = true;
    for (const b of branches) {
      if (exact !== undefined && b.exact !== undefined && exact.length + b.exact.length <= EXACT_SET_MAX) exact.push(...b.exact);
      else exact = undefined;
      const m = best(b);
      if (m === undefined) mustOk = false;
      else must.push(...m);
    }
    return { exact: exact === undefined ? undefined : [...new Set(exact)], must: mustOk ? [...new Set(must)] : undefined };
  }

  sequence(): Info {
    let run: Lits | undefined = [""];
    let candidate: Lits | undefined;
    let broken = false;
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") {
      const item = this.quantified();
      candidate = better(candidate, item.must);
      const joined: Lits | undefined = run !== undefined && item.exact !== undefined ? cross(run, item.exact) : undefined;
      if (joined !== undefined) {
        run = joined;
        continue;
      }
      broken = true;
      candidate = better(candidate, run);
      run = item.exact;
      if (run === undefined) run = [""];
    }
    candidate = better(candidate, run);
    return { exact: broken ? undefined : run, must: candidate };
  }

  quantified(): Info {
    const atom = this.atom();
    const c = this.src[this.i];
    let min: number;
    let max: number;
    if (c === "*" || c === "+" || c === "?") {
      this.i++;
      min = c === "+" ? 1 : 0;
      max = c === "?" ? 1 : Infinity;
    } else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return atom;
      this.i += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
    } else return atom;
    if (this.src[this.i] === "?") this.i++;
    if (min === 1 && max === 1) return atom;
    if (min === 0) return max === 1 && atom.exact !== undefined ? { exact: [...new Set([...atom.exact, ""])], must: undefined } : UNKNOWN;
    return { exact: undefined, must: best(atom) };
  }

  atom(): Info {
    const s = this.src;
    const c = s[this.i]!;
    this.i++;
    switch (c) {
      case "(":
        return this.group();
      case "[":
        return this.charClass();
      case ".":
        return UNKNOWN;
      case "^":
      case "$":
        return EMPTY;
      case "\\":
        return this.escape(false);
      default:
        return charInfo(c.charCodeAt(0));
    }
  }

  group(): Info {
    const s = this.src;
    let kind = "capture";
    if (s[this.i] === "?") {
      const m = /^\?(:|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(s.slice(this.i));
      if (!m) throw new Error(`unknown group at ${this.i}`);
      this.i += m[0].length;
      kind = m[1]!.startsWith("<") && m[1] !== "<=" && m[1] !== "<!" ? "capture" : m[1]!;
    }
    const inner = this.alternation();
    if (s[this.i] !== ")") throw new Error(`unbalanced group at ${this.i}`);
    this.i++;
    // Lookarounds consume nothing; a positive lookahead's text is still in the input.
    if (kind === "=") return { exact: [""], must: best(inner) };
    if (kind === "!" || kind === "<=" || kind === "<!") return EMPTY;
    return inner;
  }

  /** One escape; `inClass` for `[...]` (where `\b` is a backspace). Returns the info of one char or a class. */
  escape(inClass: boolean): Info {
    const s = this.src;
    const c = s[this.i]!;
    this.i++;
    if ("dDwWsS".includes(c)) return UNKNOWN;
    if (c === "b" || c === "B") return inClass ? (c === "b" ? charInfo(8) : UNKNOWN) : EMPTY;
    if (c === "x" && /^[0-9a-fA-F]{2}/.test(s.slice(this.i))) {
      this.i += 2;
      return charInfo(parseInt(s.slice(this.i - 2, this.i), 16));
    }
    if (c === "u" && /^[0-9a-fA-F]{4}/.test(s.slice(this.i))) {
      this.i += 4;
      return charInfo(parseInt(s.slice(this.i - 4, this.i), 16));
    }
    if (c === "k" && s[this.i] === "<") {
      this.i = s.indexOf(">", this.i) + 1;
      return UNKNOWN;
    }
    if (/[1-9]/.test(c)) {
      while (/[0-9]/.test(s[this.i] ?? "")) this.i++;
      return UNKNOWN;
    }
    const controls: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13, "0": 0 };
    if (controls[c] !== undefined) return charInfo(controls[c]);
    if (c === "c") return UNKNOWN;
    if (/[A-Za-z]/.test(c)) return UNKNOWN;
    return charInfo(c.charCodeAt(0));
  }

  charClass(): Info {
    const s = this.src;
    let negated = false;
    if (s[this.i] === "^") {
      negated = true;
      this.i++;
    }
    const chars = new Set<string>();
    let open = false;
    while (this.i < s.length && s[this.i] !== "]") {
      let code: number | undefined;
      if (s[this.i] === "\\") {
        this.i++;
        const e = this.escape(true);
        code = e.exact !== undefined && e.exact.length === 1 && e.exact[0]!.length === 1 ? e.exact[0]!.charCodeAt(0) : undefined;
        if (code === undefined) open = true;
      } else {
        code = s.charCodeAt(this.i);
        this.i++;
      }
      if (code !== undefined && s[this.i] === "-" && s[this.i + 1] !== "]") {
        // A range a-z: expand when small.
        this.i++;
        let hi: number | undefined;
        if (s[this.i] === "\\") {
          this.i++;
          const e = this.escape(true);
          hi = e.exact !== undefined && e.exact.length === 1 && e.exact[0]!.length === 1 ? e.exact[0]!.charCodeAt(0) : undefined;
        } else {
          hi = s.charCodeAt(this.i);
          this.i++;
        }
        if (hi === undefined || hi - code >= CLASS_CHARS_MAX || hi >= 128) open = true;
        else for (let x = code; x <= hi; x++) chars.add(String.fromCharCode(x).toLowerCase());
        continue;
      }
      if (code === undefined) continue;
      if (code >= 128) open = true;
      else chars.add(String.fromCharCode(code).toLowerCase());
    }
    if (s[this.i] !== "]") throw new Error("unterminated class");
    this.i++;
    if (negated || open || chars.size === 0 || chars.size > CLASS_CHARS_MAX) return UNKNOWN;
    return { exact: [...chars], must: undefined };
  }
}

/**
 * The literals one of which every match of `source` contains (lower-cased), or undefined.
 * A pattern this reader does not understand gives undefined: the rule then always runs.
 */
export function requiredLiterals(source: string): readonly string[] | undefined {
  try {
    const p = new Parser(source);
    const info = p.alternation();
    if (p.i !== source.length) return undefined;
    return best(info);
  } catch {
    return undefined;
  }
}
