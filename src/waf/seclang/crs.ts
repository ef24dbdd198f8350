/**
 * Loads the OWASP Core Rule Set from disk: Debian's `modsecurity-crs` package by default, or a
 * directory given with `--crs DIR` / `[waf] crs = "DIR"` (a CRS checkout: `DIR/rules/*.conf`,
 * `DIR/crs-setup.conf` or `.example`). Only the REQUEST-* files are loaded (the edge inspects
 * requests); settings (paranoia level, inbound threshold) become the TX variables that CRS's
 * `crs-setup.conf` rule 900000 would set.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { EdgeError } from "../../core/errors.js";
import type { WafRequest } from "../request.js";
import { SecLangRuleset, assertParanoiaLevel, type RefusedRule, type SecLangVerdict } from "./engine.js";
import { parseSecLang, type Directive } from "./parse.js";

/** Where Debian's `modsecurity-crs` package puts the rules and its setup file. */
export const DEBIAN_CRS_RULES_DIR = "/usr/share/modsecurity-crs/rules";
export const DEBIAN_CRS_SETUP = "/etc/modsecurity/crs/crs-setup.conf";
export const CRS_INSTALL_HINT = "install the OWASP Core Rule Set with `apt-get install modsecurity-crs` (Debian/Ubuntu) or pass --crs DIR";

export interface CrsOptions {
  /** A CRS directory (with `rules/`), or a rules directory itself. @defaultValue Debian's package */
  dir?: string;
  /** @defaultValue 1 */
  paranoiaLevel?: number;
  /** CRS `tx.inbound_anomaly_score_threshold`. @defaultValue 5 */
  inboundThreshold?: number;
  /** Skip rules that cannot match (same verdicts; off only to measure or compare). @defaultValue true */
  prefilter?: boolean;
}

export interface CrsLocation {
  readonly rulesDir: string;
  readonly setupFile: string | undefined;
}

/** Finds the rules and setup file, or undefined when there is no CRS there. */
export function findCrs(dir?: string): CrsLocation | undefined {
  if (dir === undefined) {
    if (!existsSync(join(DEBIAN_CRS_RULES_DIR, "REQUEST-901-INITIALIZATION.conf"))) return undefined;
    return { rulesDir: DEBIAN_CRS_RULES_DIR, setupFile: existsSync(DEBIAN_CRS_SETUP) ? DEBIAN_CRS_SETUP : undefined };
  }
  const rulesDir = existsSync(join(dir, "rules", "REQUEST-901-INITIALIZATION.conf")) ? join(dir, "rules") : dir;
  if (!existsSync(join(rulesDir, "REQUEST-901-INITIALIZATION.conf"))) return undefined;
  const base = rulesDir === dir ? dirname(dir) : dir;
  const setup = [join(base, "crs-setup.conf"), join(base, "crs-setup.conf.example")].find((f) => existsSync(f));
  return { rulesDir, setupFile: setup };
}

export interface CrsSummary {
  readonly version: string;
  readonly paranoiaLevel: number;
  readonly inboundThreshold: number;
  /** Request rules (phases 1–2) loaded, and of them those at or below the paranoia level. */
  readonly rulesLoaded: number;
  readonly refused: readonly RefusedRule[];
  /** PL1 request rules: loaded vs refused (the issue's count). */
  readonly pl1Loaded: number;
  readonly pl1Refused: number;
}

/** The Core Rule Set, compiled, with what loaded and what was refused. */
export class CrsRuleset {
  readonly engine: SecLangRuleset;
  readonly summary: CrsSummary;
  readonly location: CrsLocation;

  constructor(options: CrsOptions = {}) {
    const location = findCrs(options.dir);
    if (!location) throw new EdgeError("WAF_CRS_MISSING", 500, `no OWASP CRS found${options.dir === undefined ? "" : ` in ${options.dir}`}: ${CRS_INSTALL_HINT}`);
    const pl = options.paranoiaLevel ?? 1;
    assertParanoiaLevel(pl);
    const threshold = options.inboundThreshold ?? 5;
    if (!(Number.isInteger(threshold) && threshold > 0)) throw new EdgeError("WAF_BAD_THRESHOLD", 400, `anomaly threshold ${threshold} must be a whole number > 0`);
    this.location = location;
    const directives: Directive[] = [];
    if (location.setupFile) directives.push(...parseSecLang(readFileSync(location.setupFile, "utf8"), "crs-setup.conf"));
    const files = readdirSync(location.rulesDir)
      .filter((f) => /^REQUEST-\d+.*\.conf$/.test(f))
      .sort();
    for (const f of files) directives.push(...parseSecLang(readFileSync(join(location.rulesDir, f), "utf8"), f));
    this.engine = new SecLangRuleset(directives, {
      readDataFile: (name) => {
        if (name.includes("..") || name.includes("/")) throw new EdgeError("WAF_CRS_DATA", 500, `data file name ${name} leaves the rules directory`);
        return readFileSync(join(location.rulesDir, name), "utf8");
      },
      // What crs-setup.conf's rule 900000 sets when uncommented.
      // allowed_methods adds PUT, PATCH and DELETE to CRS's default (GET HEAD POST OPTIONS), as
      // CRS's setup file suggests for REST APIs: an edge in front of any app must pass them.
      prefilter: options.prefilter ?? true,
      initialTx: { paranoia_level: pl, executing_paranoia_level: pl, inbound_anomaly_score_threshold: threshold, allowed_methods: "GET HEAD POST OPTIONS PUT PATCH DELETE" },
    });
    const version = /ver:'OWASP_CRS\/(\d+\.\d+\.\d+)'/.exec(readFileSync(join(location.rulesDir, "REQUEST-901-INITIALIZATION.conf"), "utf8"))?.[1] ?? "unknown";
    const request = this.engine.rules.filter((r) => r.phase <= 2);
    const isDetection = (id: string): boolean => Number(id) >= 910000 && Number(id) < 949000;
    this.summary = {
      version,
      paranoiaLevel: pl,
      inboundThreshold: threshold,
      rulesLoaded: request.length,
      refused: this.engine.refused,
      pl1Loaded: request.filter((r) => r.paranoiaLevel <= 1 && isDetection(r.id) && r.msg !== "").length,
      pl1Refused: this.engine.refused.filter((r) => isDetection(r.id) && !/paranoia-level\/[234]/.test(this.#ruleText(r))).length,
    };
  }

  evaluate(request: WafRequest): SecLangVerdict {
    return this.engine.evaluate(request);
  }

  /** "OWASP CRS 3.3.4, paranoia 1, 289 request rules (2 refused)" */
  describe(): string {
    const s = this.summary;
    return `OWASP CRS ${s.version}, paranoia ${s.paranoiaLevel}, inbound threshold ${s.inboundThreshold}, ${s.rulesLoaded} request rules loaded, ${s.refused.length} refused (PL1 detection rules: ${s.pl1Loaded} loaded, ${s.pl1Refused} refused)`;
  }

  #ruleText(r: RefusedRule): string {
    // The refused rule's own text (from its first line to the next directive) for its tags.
    const lines = readFileSync(join(this.location.rulesDir, r.file), "utf8").split(/\r?\n/).slice(r.line - 1);
    const end = lines.findIndex((l, k) => k > 0 && /^\s*Sec(Rule|Action|Marker)/.test(l) && !/^\s{2,}SecRule/.test(l));
    return lines.slice(0, end < 0 ? lines.length : end).join("\n");
  }
}
