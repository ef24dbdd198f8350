/**
 * A live figure: a figure script that also runs in the reader's browser. The build renders it
 * at the control's default value into the static SVG; book/live/main.ts bundles the same
 * script with esbuild and re-renders it when the reader moves the control. Same code, same
 * seed, so the page at the default value shows exactly the static figure.
 */
export type LiveControl =
  | { kind: "range"; label: string; min: number; max: number; step: number; value: number; unit: string }
  | { kind: "select"; label: string; options: ReadonlyArray<{ value: string; label: string }>; value: string };

export interface LiveFigure {
  control: LiveControl;
  /** The figure at a control value (the value as the control reports it: a string). */
  render(value: string): string | Promise<string>;
  /** Forgets every memoised simulation run, so the next render recomputes from the seed. */
  reset(): void;
}

/** The control's default value, as a string (what an `<input>` or `<select>` reports). */
export function defaultValue(control: LiveControl): string {
  return String(control.value);
}

/** Memoises an expensive pure function of one key (a simulation run per control value). */
export function memo<K, V>(fn: (key: K) => V): { get(key: K): V; clear(): void } {
  const cache = new Map<K, V>();
  return {
    get(key: K): V {
      if (!cache.has(key)) cache.set(key, fn(key));
      return cache.get(key) as V;
    },
    clear(): void {
      cache.clear();
    },
  };
}
