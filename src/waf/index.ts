/**
 * WAF stage: decides whether a request may reach the cache and origin. Custom rules in a
 * Cloudflare-style expression language run first (block / challenge / log / skip), then
 * rate-limiting rules, then a managed ruleset (SQLi, XSS, traversal, command injection,
 * scanners) with OWASP-CRS-style anomaly scoring and paranoia levels 1–4. Every request also
 * gets a deterministic bot score (1 automated … 99 human).
 *
 * Requests are a plain `WafRequest` record (see `request.ts` for why), built with
 * `wafRequest(url, init)` or `wafRequestFromRequest(request, clientIp)`.
 */
export { type WafRequest, wafRequest, wafRequestFromRequest, wafRequestWithBody, splitRawUrl, type RawUrlParts } from "./request.js";
export { peekBody, bodyText, BODY_INSPECT_BYTES_DEFAULT, type PeekedBody } from "./body.js";
export {
  RequestCollections,
  COLLECTION_NAMES,
  ARGS_COUNT_MAX,
  JSON_DEPTH_MAX,
  MULTIPART_PARTS_MAX,
  parseUrlencoded,
  parseCookies,
  flattenJson,
  parseMultipart,
  isCollectionName,
  type Entry,
  type Collection,
  type CollectionName,
} from "./collections.js";
export { WafRuleSyntaxError, RULE_EXPRESSION_LENGTH_MAX } from "./syntax-error.js";
export { parseExpression } from "./expression-parser.js";
export { compileExpression, type CompiledExpression } from "./expression-compile.js";
export { FieldContext, type WafSignals } from "./field-context.js";
export { FIELD_TYPES, FUNCTION_TYPES, MAP_FIELDS, type MapField, type Expr, type ValueType } from "./expression-ast.js";
export { checkRegexSafe, REGEX_PATTERN_LENGTH_MAX, REGEX_INPUT_LENGTH_MAX } from "./regex-guard.js";
export { parseIp, parseCidr, cidrContains, type Cidr } from "./ip-address.js";
export { urlDecode, urlDecodeRepeated, htmlEntityDecode, normalizeForInspection, URL_DECODE_ROUNDS_MAX } from "./normalize.js";
export {
  MANAGED_RULES,
  SEVERITY_SCORES,
  ANOMALY_THRESHOLD_DEFAULT,
  type ManagedRule,
  type AttackClass,
  type ParanoiaLevel,
  type Severity,
  type InspectionTarget,
} from "./managed-rules.js";
export { ManagedRuleset, inspectionTargets, type ManagedOptions, type ManagedVerdict, type ManagedMatch } from "./managed-engine.js";
export { botScore, BOT_SCORE_MIN, BOT_SCORE_MAX, type BotFeatures } from "./bot-score.js";
export { RateLimiter, RATE_LIMIT_PERIODS_S, RATE_LIMIT_MITIGATION_TIMEOUTS_S, type RateLimitOptions } from "./rate-limit.js";
export {
  Waf,
  WAF_PHASES,
  type WafPhase,
  type WafOptions,
  type WafDecision,
  type WafEvent,
  type CustomRule,
  type RateLimitRule,
  type RuleAction,
} from "./waf.js";
export { CrsRuleset, findCrs, CRS_INSTALL_HINT, DEBIAN_CRS_RULES_DIR, DEBIAN_CRS_SETUP, type CrsOptions, type CrsSummary, type CrsLocation } from "./seclang/crs.js";
export { SecLangRuleset, SECLANG_INPUT_LENGTH_MAX, type SecLangOptions, type SecLangVerdict, type SecLangMatch, type RefusedRule, type RuleInfo } from "./seclang/engine.js";
export { literalSetCost, requiredLiterals } from "./seclang/literals.js";
export { LiteralAutomaton, valueFeatures, chainSensitivity } from "./seclang/prefilter.js";
export { parseSecLang, parseActions, parseVariables, SecLangSyntaxError, type Directive, type Action, type VariableSpec } from "./seclang/parse.js";
export { translatePcre, PcreTranslationError, type TranslatedRegex } from "./seclang/pcre.js";
export { TRANSFORMS, chainPrefixKeys, normalizePath, runTransformChain, type Transform, type TransformChain } from "./seclang/transforms.js";
export { detectSqli, detectXss, detectXssUnfiltered } from "./seclang/detect.js";
