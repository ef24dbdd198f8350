/**
 * The shapes of the facts registry. A source is a page someone can open; a fact is one figure
 * taken from a source, with the unit it is counted in and the words the book prints for it.
 */

/** The date every entry of this registry was last checked against its source. */
export const CHECKED_2026_12_07 = "2026-12-07";

/** Where a source belongs in the References chapter. */
export type Topic = "q0" | "q1" | "q2" | "q3" | "q4" | "q5" | "platform" | "testing";

/**
 * Whether the figure (or the source's title, address and date) was read in the source itself
 * on the date checked. An unverified entry says why in `note`.
 */
export type Status = "verified" | "unverified";

export interface SourceSpec {
  readonly title: string;
  /** Who published it: "Cloudflare docs", "Cloudflare blog", "IETF", a journal, … */
  readonly publisher: string;
  readonly url: string;
  /** Publication date as far as it is known: "2025", "2025-06" or "2025-06-20". */
  readonly published?: string;
  readonly checked: string;
  readonly status: Status;
  /** Why an entry is unverified, or what to know when reading it. */
  readonly note?: string;
  readonly topics: readonly Topic[];
}

/**
 * Units a fact's value is counted in. Time and size units convert into each other when a
 * display string is checked (`1 s` is 1000 ms); the others must match the display's words.
 */
export type Unit =
  | "ms"
  | "s"
  | "bytes"
  | "MB"
  | "percent"
  | "Tbps"
  | "requests/s"
  | "writes/s"
  | "reads/day"
  | "writes/day"
  | "USD/million"
  | "keys"
  | "characters"
  | "retries"
  | "count"
  | "requests"
  | "days"
  | "weeks";

export interface FactSpec<S extends string = string> {
  /** The figure, in `unit`; a list when the source gives a set of allowed values. */
  readonly value: number | readonly number[];
  readonly unit: Unit;
  /** The words the book prints, e.g. "25 MiB"; a test checks they mean `value` `unit`. */
  readonly display: string;
  /**
   * How the source counts KB/MB/GB: as powers of 1024 (the default, how the platform has always
   * read Cloudflare's pages) or of 1000, where the source says so (Durable Objects storage:
   * "1 GB = 1,000,000,000 bytes").
   */
  readonly sizes?: "binary" | "decimal";
  /** One sentence a candidate could say, with the figure in it. */
  readonly claim: string;
  readonly source: S;
  /** An address inside the source (a `#section`), when the figure sits in one place. */
  readonly anchor?: string;
  readonly checked: string;
  readonly status: Status;
  readonly note?: string;
}
