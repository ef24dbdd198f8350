import { EdgeError } from "../core/errors.js";
import type { ListRange } from "../storage/storage-engine.js";
import { checkKey as checkLegacyKey } from "./structured-value.js";

/** Validates `storage.list()` options into an engine range, rejecting what Cloudflare rejects. */
export function parseListOptions(options: ListRange | undefined, checkKey: (key: unknown) => string = checkLegacyKey): ListRange {
  const range: ListRange = {};
  if (options === undefined) return range;
  if (typeof options !== "object" || options === null) {
    throw new EdgeError("DO_INVALID_LIST_OPTIONS", 400, `list options must be an object, got ${typeof options}`);
  }
  if (options.start !== undefined && options.startAfter !== undefined) {
    throw new EdgeError("DO_INVALID_LIST_OPTIONS", 400, "list options may give start or startAfter, not both");
  }
  if (options.start !== undefined) range.start = checkKey(options.start);
  if (options.startAfter !== undefined) range.startAfter = checkKey(options.startAfter);
  if (options.end !== undefined) range.end = checkKey(options.end);
  if (options.prefix !== undefined) range.prefix = checkKey(options.prefix);
  if (options.reverse !== undefined) range.reverse = options.reverse === true;
  if (options.limit !== undefined) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new EdgeError("DO_INVALID_LIST_OPTIONS", 400, `list limit must be a positive integer, got ${options.limit}`);
    }
    range.limit = options.limit;
  }
  return range;
}

/** `setAlarm` takes ms since the epoch or a Date. */
export function parseAlarmTime(scheduledTime: number | Date): number {
  const ms = scheduledTime instanceof Date ? scheduledTime.getTime() : scheduledTime;
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw new EdgeError("DO_INVALID_ALARM", 400, `setAlarm needs a finite time in ms or a Date, got ${String(scheduledTime)}`);
  }
  return ms;
}
