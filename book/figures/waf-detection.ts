/**
 * Figure: what each paranoia level of the managed ruleset buys and costs. For each level the
 * share of attack requests blocked, per class, from the public-payload corpora in
 * `test/platform/waf/corpus/`, and the share of ordinary requests blocked (false positives),
 * all at the OWASP CRS default anomaly threshold of 5.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { ManagedRuleset, type ParanoiaLevel } from "../../src/waf/index.js";
import { ATTACK_REQUESTS, BENIGN } from "../../test/platform/waf/corpus/index.js";
import { barChart } from "./lib/svg.js";

const LEVELS: readonly ParanoiaLevel[] = [1, 2, 3, 4];

export function render(): string {
  const rulesets = LEVELS.map((paranoiaLevel) => new ManagedRuleset({ paranoiaLevel }));
  const blockedPct = (requests: readonly Parameters<ManagedRuleset["evaluate"]>[0][], ruleset: ManagedRuleset): number =>
    (100 * requests.filter((r) => ruleset.evaluate(r).blocked).length) / requests.length;
  const attacks = Object.entries(ATTACK_REQUESTS).map(([cls, requests]) => ({
    name: `${cls} (${requests.length})`,
    values: rulesets.map((rs) => blockedPct(requests, rs)),
  }));
  const benign = { name: `benign (${BENIGN.length})`, values: rulesets.map((rs) => blockedPct(BENIGN, rs)) };
  return barChart({
    title: "Managed rules: detection and false positives by paranoia level (threshold 5)",
    yLabel: "% of requests blocked",
    categories: LEVELS.map((pl) => `PL${pl}`),
    series: [...attacks, benign],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeFileSync(process.argv[2] ?? "waf-detection.svg", render());
