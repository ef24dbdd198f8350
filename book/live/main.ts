/**
 * The live figures, in the reader's browser. The build bundles this file (with the figure
 * scripts and the parts of src/ they run) into assets/live-figures.js; book.js loads it on
 * pages that have a `<figure data-live>`. Moving a figure's control re-runs its simulation
 * here and swaps the picture; `figure.dataset.renderedValue` says which value is shown.
 */
import { live as anycast } from "../figures/anycast-catchments.js";
import { live as kv } from "../figures/kv-staleness.js";
import type { LiveFigure } from "../figures/lib/live.js";
import { live as overshoot } from "../figures/rate-limiter-overshoot.js";

const FIGURES: Record<string, LiveFigure> = {
  "anycast-catchments": anycast,
  "kv-staleness": kv,
  "rate-limiter-overshoot": overshoot,
};
/** Slider moves closer together than this are one change (a drag re-renders once it pauses). */
const SETTLE_MS = 150;

declare global {
  interface Window {
    EDGE_KATA_LIVE?: Record<string, LiveFigure>;
  }
}

const svgUrl = (svg: string): string => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

function wire(figure: HTMLElement): void {
  const name = figure.dataset.live ?? "";
  const spec = FIGURES[name];
  const control = figure.querySelector<HTMLInputElement | HTMLSelectElement>(".live-control input, .live-control select");
  const output = figure.querySelector<HTMLOutputElement>(".live-control output");
  const img = figure.querySelector("img");
  if (!spec || !control || !img) throw new Error(`live figure "${name}" is missing its script, control or image`);
  let generation = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const show = (value: string): void => {
    const mine = ++generation;
    figure.setAttribute("aria-busy", "true");
    // Let the browser paint "simulating…" before the simulation takes the main thread.
    requestAnimationFrame(() =>
      setTimeout(async () => {
        if (mine !== generation) return;
        try {
          const svg = await spec.render(value);
          if (mine !== generation) return;
          img.src = svgUrl(svg);
          figure.dataset.renderedValue = value;
        } catch (error) {
          figure.dataset.error = String(error);
          console.error(`live figure ${name}:`, error);
        } finally {
          if (mine === generation) figure.removeAttribute("aria-busy");
        }
      }, 0),
    );
  };
  const onChange = (): void => {
    if (output) output.value = control instanceof HTMLSelectElement ? (control.selectedOptions[0]?.text ?? "") : `${control.value} ${spec.control.kind === "range" ? spec.control.unit : ""}`.trim();
    clearTimeout(timer);
    timer = setTimeout(() => show(control.value), SETTLE_MS);
  };
  control.addEventListener("input", onChange);
  control.addEventListener("change", onChange);
  control.disabled = false;
  figure.dataset.renderedValue = control.value;
}

window.EDGE_KATA_LIVE = FIGURES;
document.querySelectorAll<HTMLElement>("figure[data-live]").forEach(wire);
