/**
 * Minimal SVG charts for the book's generated figures: d3-scale for round ticks and log axes,
 * deterministic output (same data, same bytes), readable on light and dark pages (white background).
 */
import { geoEquirectangular, geoPath } from "d3-geo";
import { type ScaleLinear, type ScaleLogarithmic, scaleLinear, scaleLog } from "d3-scale";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import land110m from "world-atlas/land-110m.json" with { type: "json" };

export interface Series {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
  color?: string;
}

const PALETTE = ["#f38020", "#0b5cad", "#1a7f37", "#d1242f", "#8250df", "#59636e"];
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const num = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toPrecision(2));

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function frame(title: string, f: Frame, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" font-family="system-ui, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="${f.width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>
${body}
</svg>
`;
}

/** Points are marked with dots when a series has at most this many (denser series are curves). */
const MARKED_POINTS_MAX = 30;

/** A tick label: d3's format for the scale, so 0.5, 1, 2, 5, 10, 1k read as people write them. */
function tickLabels(scale: ScaleLinear<number, number> | ScaleLogarithmic<number, number>, count: number): Array<[number, string]> {
  const ticks = scale.ticks(count);
  // A log scale labels 1, 2, 5 of each decade ("" for the rest); "~s" writes 1k, not 1,000.
  const format = "base" in scale ? scale.tickFormat(count, "~s") : scale.tickFormat(count);
  return ticks.map((t) => [t, format(t)] as [number, string]).filter(([, label]) => label !== "");
}

/**
 * Line chart with round ticks (d3-scale's `nice()`), a dot on each point of a short series, a
 * log axis when asked (`xLog`/`yLog`, for values that span orders of magnitude), and an
 * optional highlighted x (a live figure's control value) with its label.
 */
export function lineChart(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  yMin?: number;
  xLog?: boolean;
  yLog?: boolean;
  highlight?: { x: number; label: string };
}): string {
  // The legend gets room for its longest name (about 6.6 px a character at 12 px).
  const legendPx = Math.max(160, 40 + Math.max(...options.series.map((s) => s.name.length)) * 6.6);
  const f: Frame = { width: 720, height: 400, left: 64, right: Math.round(legendPx), top: 32, bottom: 48 };
  const all = options.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const pw = f.width - f.left - f.right;
  const ph = f.height - f.top - f.bottom;
  const xDomain = [Math.min(...xs), Math.max(...xs)];
  // A log axis starts at the smallest value (it has no 0); a linear one includes 0.
  const yDomain = [options.yMin ?? (options.yLog ? Math.min(...ys) : Math.min(0, ...ys)), Math.max(...ys) || 1];
  const xScale = (options.xLog ? scaleLog() : scaleLinear()).domain(xDomain).range([f.left, f.left + pw]).nice();
  const yScale = (options.yLog ? scaleLog() : scaleLinear()).domain(yDomain).range([f.top + ph, f.top]).nice();
  const x = (v: number): number => xScale(v);
  const y = (v: number): number => yScale(v);
  const parts: string[] = [];
  for (const [vy, label] of tickLabels(yScale, options.yLog ? 4 : 6)) {
    parts.push(`<line x1="${f.left}" x2="${f.left + pw}" y1="${y(vy).toFixed(1)}" y2="${y(vy).toFixed(1)}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${f.left - 6}" y="${(y(vy) + 4).toFixed(1)}" text-anchor="end">${label}</text>`);
  }
  for (const [vx, label] of tickLabels(xScale, options.xLog ? 4 : 8)) {
    parts.push(`<line x1="${x(vx).toFixed(1)}" x2="${x(vx).toFixed(1)}" y1="${f.top + ph}" y2="${f.top + ph + 4}" stroke="#59636e"/>`);
    parts.push(`<text x="${x(vx).toFixed(1)}" y="${f.top + ph + 16}" text-anchor="middle">${label}</text>`);
  }
  parts.push(`<rect x="${f.left}" y="${f.top}" width="${pw}" height="${ph}" fill="none" stroke="#59636e"/>`);
  parts.push(`<text x="${f.left + pw / 2}" y="${f.height - 8}" text-anchor="middle">${esc(options.xLabel)}${options.xLog ? " (log scale)" : ""}</text>`);
  parts.push(`<text transform="translate(16 ${f.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(options.yLabel)}${options.yLog ? " (log scale)" : ""}</text>`);
  if (options.highlight) {
    const hx = x(options.highlight.x).toFixed(1);
    parts.push(`<line x1="${hx}" x2="${hx}" y1="${f.top}" y2="${f.top + ph}" stroke="#1f2328" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${f.left + pw - 6}" y="${f.top + 16}" text-anchor="end" font-weight="bold">${esc(options.highlight.label)}</text>`);
  }
  options.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const d = s.points.map((p, j) => `${j === 0 ? "M" : "L"}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" ");
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    if (s.points.length <= MARKED_POINTS_MAX) {
      for (const p of s.points) parts.push(`<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="3" fill="${color}"><title>${esc(`${s.name}: ${num(p[0])}, ${num(p[1])}`)}</title></circle>`);
    }
    parts.push(`<rect x="${f.left + pw + 12}" y="${f.top + 8 + i * 18}" width="12" height="3" fill="${color}"/>`);
    parts.push(`<text x="${f.left + pw + 30}" y="${f.top + 13 + i * 18}">${esc(s.name)}</text>`);
  });
  return frame(options.title, f, parts.join("\n"));
}

/** Grouped bar chart: one group per category, one bar per series. */
/** A bar chart; a `null` value is a bar not measured, left out rather than drawn as 0. */
export function barChart(options: { title: string; yLabel: string; categories: string[]; series: Array<{ name: string; values: Array<number | null> }>; yLog?: boolean }): string {
  const f: Frame = { width: 720, height: 400, left: 64, right: 160, top: 32, bottom: 56 };
  const pw = f.width - f.left - f.right;
  const ph = f.height - f.top - f.bottom;
  const values = options.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  // A log axis (values that span orders of magnitude) has no 0: bars rise from its rounded-down smallest value.
  const yScale = (options.yLog ? scaleLog().domain([Math.min(...values.filter((v) => v > 0)), Math.max(...values)]) : scaleLinear().domain([0, Math.max(...values) || 1])).range([f.top + ph, f.top]).nice();
  const group = pw / options.categories.length;
  const bar = (group * 0.8) / options.series.length;
  const parts: string[] = [];
  for (const [v, label] of tickLabels(yScale, options.yLog ? 4 : 6)) {
    const yy = yScale(v).toFixed(1);
    parts.push(`<line x1="${f.left}" x2="${f.left + pw}" y1="${yy}" y2="${yy}" stroke="#e5e7eb"/><text x="${f.left - 6}" y="${Number(yy) + 4}" text-anchor="end">${label}</text>`);
  }
  options.categories.forEach((c, ci) => {
    parts.push(`<text x="${f.left + group * (ci + 0.5)}" y="${f.top + ph + 16}" text-anchor="middle">${esc(c)}</text>`);
    options.series.forEach((s, si) => {
      const v = s.values[ci];
      if (v === null || v === undefined) return;
      const h = v > 0 ? f.top + ph - yScale(v) : 0;
      const xx = f.left + group * ci + group * 0.1 + bar * si;
      parts.push(`<rect x="${xx.toFixed(1)}" y="${(f.top + ph - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(`${s.name}: ${num(v)}`)}</title></rect>`);
    });
  });
  options.series.forEach((s, i) => {
    parts.push(`<rect x="${f.left + pw + 12}" y="${f.top + 6 + i * 18}" width="12" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${f.left + pw + 30}" y="${f.top + 15 + i * 18}">${esc(s.name)}</text>`);
  });
  parts.push(`<text transform="translate(16 ${f.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(options.yLabel)}${options.yLog ? " (log scale)" : ""}</text>`);
  return frame(options.title, f, parts.join("\n"));
}

/**
 * The world's coastlines (Natural Earth 1:110m land, from world-atlas) as one SVG path, in the
 * same equirectangular projection as `worldMap`'s points: longitude -180..180 across `width`
 * from `left`, latitude 90..-90 down `width / 2` from `top`.
 */
function landPath(left: number, top: number, width: number): string {
  const topology = land110m as unknown as Topology<{ land: GeometryCollection }>;
  const projection = geoEquirectangular()
    .scale(width / (2 * Math.PI))
    .translate([left + width / 2, top + width / 4]);
  return geoPath(projection).digits(1)(feature(topology, topology.objects.land)) ?? "";
}

/** Equirectangular world map of points, coloured by group, with optional lines (catchments). */
export function worldMap(options: {
  title: string;
  points: Array<{ lat: number; lon: number; group: number; r?: number; label?: string }>;
  lines?: Array<{ from: { lat: number; lon: number }; to: { lat: number; lon: number }; group: number }>;
  legend?: string[];
}): string {
  const f: Frame = { width: 900, height: 480, left: 10, right: 10, top: 30, bottom: 10 };
  const pw = f.width - f.left - f.right;
  const ph = f.height - f.top - f.bottom;
  const x = (lon: number): number => f.left + ((lon + 180) / 360) * pw;
  const y = (lat: number): number => f.top + ((90 - lat) / 180) * ph;
  const parts = [`<rect x="${f.left}" y="${f.top}" width="${pw}" height="${ph}" fill="#eef4fb" stroke="#c8d3df"/>`, `<path d="${landPath(f.left, f.top, pw)}" fill="#dfe5ec" stroke="#b8c4d1" stroke-width="0.5"/>`];
  for (let lon = -150; lon <= 150; lon += 30) parts.push(`<line x1="${x(lon)}" x2="${x(lon)}" y1="${f.top}" y2="${f.top + ph}" stroke="#dde6f0"/>`);
  for (let lat = -60; lat <= 60; lat += 30) parts.push(`<line x1="${f.left}" x2="${f.left + pw}" y1="${y(lat)}" y2="${y(lat)}" stroke="#dde6f0"/>`);
  for (const l of options.lines ?? []) {
    parts.push(`<line x1="${x(l.from.lon).toFixed(1)}" y1="${y(l.from.lat).toFixed(1)}" x2="${x(l.to.lon).toFixed(1)}" y2="${y(l.to.lat).toFixed(1)}" stroke="${PALETTE[l.group % PALETTE.length]}" stroke-opacity="0.5"/>`);
  }
  for (const p of options.points) {
    const title = p.label ? `<title>${esc(p.label)}</title>` : "";
    parts.push(`<circle cx="${x(p.lon).toFixed(1)}" cy="${y(p.lat).toFixed(1)}" r="${p.r ?? 2.5}" fill="${PALETTE[p.group % PALETTE.length]}" fill-opacity="0.85">${title}</circle>`);
  }
  (options.legend ?? []).forEach((name, i) => {
    parts.push(`<circle cx="${f.left + 14}" cy="${f.top + ph - 14 - i * 16}" r="5" fill="${PALETTE[i % PALETTE.length]}"/><text x="${f.left + 24}" y="${f.top + ph - 10 - i * 16}">${esc(name)}</text>`);
  });
  return frame(options.title, f, parts.join("\n"));
}
