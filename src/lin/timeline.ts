import type { CheckResult, Model, Operation } from "./types.js";

export interface TimelineOptions<S, I, O> {
  /** Used for the operations' labels (`describe`). */
  model?: Model<S, I, O>;
  title?: string;
  /** Width of the drawing area in pixels. @defaultValue 960 */
  widthPx?: number;
  /** Unit of the history's times, for the axis. @defaultValue none */
  timeUnit?: string;
}

const LANE_PX = 34;
const BAR_PX = 20;
const TOP_PX = 58;
const RIGHT_PX = 24;
// Approximate advance of one character at the 11 px font, for layout.
const CHAR_PX = 6.2;

const escapeXml = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/0+$/, ""));

/**
 * Draws a history as Porcupine does: one lane per client, each operation a bar from its call
 * to its return (an operation whose outcome is unknown runs off to the right, dashed). When
 * `result` refutes the history, only the failing partition is drawn; the longest linearizable
 * prefix is numbered in its order with a tick at a point where each may take effect, and the
 * operation that cannot be placed after it is red. Returns a standalone SVG document.
 */
export function renderTimeline<S, I, O>(history: readonly Operation<I, O>[], result: CheckResult<I, O> | undefined, options: TimelineOptions<S, I, O> = {}): string {
  const failed = result?.ok === false ? result : undefined;
  const ops = failed?.partition ?? history;
  const width = options.widthPx ?? 960;
  // Lanes in the order clients first appear (the history's own order of calls).
  const clients = [...new Set([...ops].sort((a, b) => a.call - b.call).map((o) => String(o.clientId)))];
  const LEFT_PX = Math.ceil(Math.max(...clients.map((c) => `client ${c}`.length)) * CHAR_PX) + 16;
  const lane = new Map(clients.map((c, i) => [c, i]));
  const known = ops.filter((o) => o.unknown !== true);
  const t0 = Math.min(...ops.map((o) => o.call));
  const t1 = Math.max(t0 + 1, ...known.map((o) => o.ret), ...ops.map((o) => o.call));
  const plotW = width - LEFT_PX - RIGHT_PX;
  const x = (t: number): number => LEFT_PX + ((t - t0) / (t1 - t0)) * plotW;
  const height = TOP_PX + clients.length * LANE_PX + 40;
  const order = new Map<Operation<I, O>, number>();
  (failed?.partialOrder ?? (result?.ok === true ? result.order.filter((o) => ops.includes(o)) : [])).forEach((op, i) => order.set(op, i + 1));
  const label = (op: Operation<I, O>): string =>
    options.model?.describe ? options.model.describe(op.input, op.output) : `${JSON.stringify(op.input)} → ${JSON.stringify(op.output)}`;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="11" role="img">`,
    `<title>${escapeXml(options.title ?? "history")}</title>`,
    `<style>.op rect{stroke-width:1.5}.op:hover rect{stroke-width:3}.ok rect{fill:#d9f2e3;stroke:#2e8b57}.blocked rect{fill:#fde0dc;stroke:#c62828}.other rect{fill:#eceff1;stroke:#90a4ae}.unknown rect{stroke-dasharray:4 3}</style>`,
    `<text x="${LEFT_PX}" y="20" font-size="14" font-weight="600">${escapeXml(options.title ?? "history")}</text>`,
    `<text x="${LEFT_PX}" y="38" fill="#555">${escapeXml(verdictLine(result, ops.length, history.length))}</text>`,
  );
  clients.forEach((c, i) => {
    const y = TOP_PX + i * LANE_PX;
    parts.push(`<line x1="${LEFT_PX}" x2="${width - RIGHT_PX}" y1="${y + LANE_PX / 2}" y2="${y + LANE_PX / 2}" stroke="#eee"/>`, `<text x="${LEFT_PX - 8}" y="${y + LANE_PX / 2 + 4}" text-anchor="end">client ${escapeXml(c)}</text>`);
  });
  const blocked = failed?.blocked;
  // The prefix's points: o_i may take effect at max(call of o_1..o_i), a valid linearization point.
  let point = Number.NEGATIVE_INFINITY;
  const points = new Map<Operation<I, O>, number>();
  for (const op of failed?.partialOrder ?? []) {
    point = Math.max(point, op.call);
    points.set(op, point);
  }
  for (const op of ops) {
    const y = TOP_PX + (lane.get(String(op.clientId)) as number) * LANE_PX + (LANE_PX - BAR_PX) / 2;
    const x1 = x(op.call);
    const x2 = op.unknown === true ? width - RIGHT_PX : Math.max(x1 + 3, x(op.ret));
    const n = order.get(op);
    const kind = op === blocked ? "blocked" : n !== undefined ? "ok" : "other";
    const when = op.unknown === true ? `[${fmt(op.call)}, ?] outcome unknown` : `[${fmt(op.call)}, ${fmt(op.ret)}]`;
    const tip = `${n !== undefined ? `#${n} ` : ""}client ${op.clientId}: ${label(op)} ${when}${op === blocked ? " (cannot be placed)" : ""}`;
    parts.push(`<g class="op ${kind}${op.unknown === true ? " unknown" : ""}"><title>${escapeXml(tip)}</title>`, `<rect x="${x1.toFixed(1)}" y="${y}" width="${(x2 - x1).toFixed(1)}" height="${BAR_PX}" rx="3"/>`);
    const text = `${n !== undefined ? `${n}. ` : ""}${label(op)}`;
    // Inside a wide bar; beside a narrow one, as far as the drawing goes.
    const fits = (px: number): number => Math.floor((px - 8) / CHAR_PX);
    if (x2 - x1 > 40) parts.push(`<text x="${(x1 + 4).toFixed(1)}" y="${y + 14}">${escapeXml(truncate(text, fits(x2 - x1)))}</text>`);
    else if (width - RIGHT_PX - x2 >= x1 - LEFT_PX) parts.push(`<text x="${(x2 + 4).toFixed(1)}" y="${y + 14}">${escapeXml(truncate(text, fits(width - RIGHT_PX - x2)))}</text>`);
    else parts.push(`<text x="${(x1 - 4).toFixed(1)}" y="${y + 14}" text-anchor="end">${escapeXml(truncate(text, fits(x1 - LEFT_PX)))}</text>`);
    const p = points.get(op);
    if (p !== undefined) parts.push(`<line x1="${x(p).toFixed(1)}" x2="${x(p).toFixed(1)}" y1="${y - 3}" y2="${y + BAR_PX + 3}" stroke="#1b5e20" stroke-width="2"/>`);
    parts.push("</g>");
  }
  const axisY = TOP_PX + clients.length * LANE_PX + 14;
  parts.push(
    `<line x1="${LEFT_PX}" x2="${width - RIGHT_PX}" y1="${axisY}" y2="${axisY}" stroke="#999"/>`,
    `<text x="${LEFT_PX}" y="${axisY + 16}" fill="#555">${fmt(t0)} ${options.timeUnit ?? ""}</text>`,
    `<text x="${width - RIGHT_PX}" y="${axisY + 16}" fill="#555" text-anchor="end">${fmt(t1)} ${options.timeUnit ?? "(time)"}</text>`,
    "</svg>",
  );
  return parts.join("\n");
}

function verdictLine<I, O>(result: CheckResult<I, O> | undefined, shown: number, total: number): string {
  const scope = shown === total ? `${total} operations` : `the failing partition: ${shown} of ${total} operations`;
  if (result === undefined) return scope;
  if (result.ok === true) return `linearizable; ${scope}, numbered in a valid order`;
  if (result.ok === "unknown") return `undecided (${result.reason}); ${scope}`;
  return `not linearizable: green = longest linearizable prefix (ticks: where each may take effect), red = cannot be placed after it; ${scope}`;
}

function truncate(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, Math.max(0, chars - 1))}…`;
}
