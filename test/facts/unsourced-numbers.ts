/**
 * Finds Cloudflare figures stated in prose without coming from the facts registry.
 *
 * The rule, applied sentence by sentence (a table row counts as a sentence) to chapters, model
 * answers and kata READMEs:
 *   a quantity (a number with a unit of time, size, rate or share: "400 ms", "128 KiB",
 *   "1,000 requests per second", "7.3 Tbps", "0.003%"), or a year next to a blog post,
 *   in a sentence that uses Cloudflare-limit wording (Cloudflare, docs, blog, record, plan,
 *   limit, default, minimum, maximum, at most, up to, cacheTtl, KV, Durable Object, …)
 *   must be written as a fact reference (`{{fact:id}}`, `[words][fact.id]`) or a citation
 *   (`{{cite:id}}`), unless
 *   - the sentence says the figure was measured or modelled here ("measured", "on this
 *     platform", "this machine", "simulation", "model", "seeded", "scenario", "benchmark"), or
 *   - it is on the explicit allow-list below, each entry with its reason.
 * Code, generated figure tables and Sources blocks are not prose and are skipped.
 */
import { isFactId, isSourceId } from "../../src/facts/index.js";
import { withoutCode } from "../../src/facts/markdown.js";

export interface Finding {
  readonly file: string;
  readonly quantity: string;
  readonly sentence: string;
}

export interface Allowed {
  /** The file, relative to the repository root. */
  readonly file: string;
  /** The words of the quantity and enough context to pin one place. */
  readonly text: string;
  readonly reason: string;
}

const UNIT =
  "(?:requests?|writes?|reads?|ops)/s|data cent(?:re|er)s|cities|countries|subrequests|(?:simultaneous )?(?:outgoing )?connections|source IPs|ms|µs|s|sec|seconds?|minutes?|min|hours?|h|days?|weeks?|KB|KiB|MB|MiB|GB|GiB|TB|Tbps|Gbps|Mbps|Bpps|Mpps|bytes?|%|req/s|rps|requests? (?:per|a) second|writes? (?:per|a) second";
const NUMBER = "\\d[\\d,]*(?:\\.\\d+)?";
const QUANTITY = new RegExp(`(?<![\\w.])(?:~|≈|about )?${NUMBER}(?:\\s?[–-]\\s?${NUMBER})?\\s?(?:${UNIT})(?![\\w/])`, "g");
// A year ends a sentence as often as not ("… published in 2016."); a version number does not.
const YEAR = /(?<![\w.])(?:19|20)\d\d(?!\w|\.\d)/g;

const CLOUDFLARE_WORDING =
  /\bCloudflare\b|\blimits? page\b|\bdocs?\b|\bdocumentation\b|\bdocuments\b|\bblog\b|\bpublished\b|\breport(?:s|ed)?\b|\brecord\b|\bsoft limit\b|\bplans?\b|\bcacheTtl\b|\bexpirationTtl\b|\blimits?\b|\bstart-?up\b|\bCPU time\b|\bKV\b|\bDurable Objects?\b|\bminimum\b|\bmaximum\b|\bat most\b|\bup to\b|\bdefaults? to\b|\bby default\b/i;
const BLOG_WORDING = /\bblog\b|\bpost\b|\bpublished\b|\bannounced\b|\bwrite-up\b|\btalk\b/i;
const MEASUREMENT_LABEL =
  /\bmeasured\b|\bmeasures\b|\bon this platform\b|\bthis machine\b|\bthis project\b|\bsimulat\w*|\bmodell?ed\b|\bthe model\b|\bmodel's\b|\b(?:this|its|our) model\b|\bseeded\b|\bscenario\b|\bbenchmark\b|\bbench\b|\bour run\b|\bin this run\b|\bedge-kata\b|\bour choice\b|\bthis platform's choice\b/i;

/** Prose only: no code, comments, generated blocks, directives or registry references. */
export function proseOf(markdown: string): string {
  return withoutCode(markdown)
    .replace(/<!--\s*figures:begin\s*-->[\s\S]*?<!--\s*figures:end\s*-->/g, " ")
    .replace(/<!--\s*sources:begin\s*-->[\s\S]*?<!--\s*sources:end\s*-->/g, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/\{\{[^}]*\}\}/g, " ")
    .replace(/\[([^\]\n]+)\]\[([^\]\n]+)\]/g, (whole, _text: string, id: string) => (isFactId(id) || isSourceId(id) ? " " : whole))
    .replace(/\]\([^)\s]*\)/g, "]")
    .replace(/^\[[^\]]+\]:\s.*$/gm, " ");
}

/** Sentences of the prose: table rows and list items alone, paragraphs split at full stops. */
export function sentencesOf(prose: string): string[] {
  const out: string[] = [];
  for (const block of prose.split(/\n\s*\n/)) {
    const lines = block.split("\n");
    if (lines.some((l) => l.trim().startsWith("|"))) {
      out.push(...lines.filter((l) => l.trim() !== ""));
      continue;
    }
    const items = block.split(/\n(?=\s*(?:[-*]|\d+\.)\s)/);
    for (const item of items) out.push(...item.replace(/\s*\n\s*/g, " ").split(/(?<=[.!?])\s+(?=[A-Z“"(*])/));
  }
  return out.map((s) => s.trim()).filter((s) => s !== "");
}

export function findUnsourcedNumbers(markdown: string, file: string, allow: readonly Allowed[] = []): Finding[] {
  const findings: Finding[] = [];
  const norm = (text: string): string => proseOf(text).replace(/\s+/g, " ").trim();
  const allowedHere = allow.filter((a) => a.file === file).map((a) => norm(a.text));
  for (const sentence of sentencesOf(proseOf(markdown))) {
    if (MEASUREMENT_LABEL.test(sentence)) continue;
    const quantities = CLOUDFLARE_WORDING.test(sentence) ? [...sentence.matchAll(QUANTITY)].map((m) => m[0]) : [];
    if (BLOG_WORDING.test(sentence)) quantities.push(...[...sentence.matchAll(YEAR)].map((m) => m[0]));
    for (const quantity of quantities) {
      const bare = quantity.replace(/^(?:~|≈|about )/, "");
      if (allowedHere.some((a) => norm(sentence).includes(a) && a.includes(bare))) continue;
      findings.push({ file, quantity, sentence });
    }
  }
  return findings;
}
