/** Value types of the rules language, as in Cloudflare's Rules language reference. */
export type ValueType = "string" | "number" | "ip" | "bool";

/** The fields this edge exposes, with their types (a subset of Cloudflare's field list). */
export const FIELD_TYPES: Readonly<Record<string, ValueType>> = {
  "http.request.uri": "string",
  "http.request.uri.path": "string",
  "http.request.uri.query": "string",
  "http.request.full_uri": "string",
  "http.request.method": "string",
  "http.user_agent": "string",
  "http.host": "string",
  "http.cookie": "string",
  "http.referer": "string",
  "http.request.body.raw": "string",
  // The body as inspected (its first `bodyInspectBytes`): truncated says whether there was more.
  "http.request.body.truncated": "bool",
  "http.request.body.size": "number",
  "http.request.body.mime": "string",
  "ip.src": "ip",
  "cf.bot_score": "number",
  "cf.threat_score": "number",
};

/**
 * Map fields, read as `field["key"]` (the first value) or `field["key"][N]` (the N-th value, as
 * Cloudflare writes it). Keys of headers are case-insensitive; the others are exact.
 */
export const MAP_FIELDS = ["http.request.headers", "http.request.body.form", "http.request.uri.args", "http.request.cookies"] as const;
export type MapField = (typeof MAP_FIELDS)[number];

/** Functions: argument types and result type. `url_decode` and `lower` follow Cloudflare's. */
export const FUNCTION_TYPES: Readonly<Record<string, { args: readonly ValueType[]; result: ValueType }>> = {
  lower: { args: ["string"], result: "string" },
  upper: { args: ["string"], result: "string" },
  url_decode: { args: ["string"], result: "string" },
  len: { args: ["string"], result: "number" },
  starts_with: { args: ["string", "string"], result: "bool" },
  ends_with: { args: ["string", "string"], result: "bool" },
};

export type Literal =
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "ip"; readonly value: string };

export type ValueNode =
  | { readonly kind: "field"; readonly name: string; readonly type: ValueType; readonly pos: number }
  | { readonly kind: "header"; readonly name: string; readonly type: "string"; readonly pos: number }
  | { readonly kind: "entry"; readonly map: MapField; readonly name: string; readonly index: number; readonly type: "string"; readonly pos: number }
  | { readonly kind: "call"; readonly name: string; readonly args: readonly ValueNode[]; readonly type: ValueType; readonly pos: number }
  | { readonly kind: "literal"; readonly literal: Literal; readonly type: ValueType; readonly pos: number };

export type CompareOp = "eq" | "ne" | "lt" | "gt" | "le" | "ge" | "contains" | "matches";

export type Expr =
  | { readonly kind: "and" | "or" | "xor"; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "not"; readonly operand: Expr }
  | { readonly kind: "compare"; readonly op: CompareOp; readonly left: ValueNode; readonly right: ValueNode }
  | { readonly kind: "in"; readonly left: ValueNode; readonly set: readonly Literal[] }
  | { readonly kind: "truthy"; readonly value: ValueNode };

/** Operator spellings: Cloudflare accepts both the English and the C-like forms. */
export const OPERATOR_ALIASES: Readonly<Record<string, CompareOp>> = {
  eq: "eq", "==": "eq", ne: "ne", "!=": "ne", lt: "lt", "<": "lt", gt: "gt", ">": "gt",
  le: "le", "<=": "le", ge: "ge", ">=": "ge", contains: "contains", matches: "matches", "~": "matches",
};
