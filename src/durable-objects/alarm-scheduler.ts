import type { Timer } from "../sim/simulation.js";
import { DO_ALARM_RETRIES_MAX, DO_ALARM_RETRY_DELAY_MS_INITIAL } from "./limits.js";

/** What the alarm scheduler needs from the runtime, per object. */
export interface AlarmTarget {
  /** Delivers `alarm()` to the object's current instance (creating it if needed). */
  fire(): Promise<unknown>;
  /** Clears the stored alarm after it ran (or gave up), unless it is no longer `alarmMs`. */
  clear(alarmMs: number): Promise<unknown>;
}

export interface AlarmClock {
  now(): number;
  schedule(delayMs: number, fn: () => void, label?: string): Timer;
}

/** Reports each alarm delivery, for tests and traces. */
export type AlarmObserver = (event: { key: string; attempt: number; atMs: number; ok: boolean }) => void;

/**
 * Arms one timer per object for its stored alarm. Cloudflare's alarms run at least once: a
 * throwing `alarm()` is retried with exponential backoff from 2 s, at most 6 times, and a
 * `setAlarm` during the handler replaces the alarm rather than being cleared by its success.
 */
export class AlarmScheduler {
  readonly #clock: AlarmClock;
  readonly #observer: AlarmObserver | undefined;
  readonly #armed = new Map<string, { timer: Timer; alarmMs: number }>();
  // The alarm each object's storage last committed, to tell "handler set a new one" apart.
  readonly #committed = new Map<string, number>();

  constructor(clock: AlarmClock, observer?: AlarmObserver) {
    this.#clock = clock;
    this.#observer = observer;
  }

  /** Called after a write committed a new alarm value for `key`. */
  changed(key: string, alarmMs: number | null, target: AlarmTarget): void {
    this.#armed.get(key)?.timer.cancel();
    this.#armed.delete(key);
    if (alarmMs === null) {
      this.#committed.delete(key);
      return;
    }
    this.#committed.set(key, alarmMs);
    this.#arm(key, alarmMs, Math.max(0, alarmMs - this.#clock.now()), 0, target);
  }

  #arm(key: string, alarmMs: number, delayMs: number, attempt: number, target: AlarmTarget): void {
    const label = `alarm ${key.slice(-8)}#${attempt}`;
    const timer = this.#clock.schedule(delayMs, () => this.#fire(key, alarmMs, attempt, target), label);
    this.#armed.set(key, { timer, alarmMs });
  }

  #fire(key: string, alarmMs: number, attempt: number, target: AlarmTarget): void {
    this.#armed.delete(key);
    const atMs = this.#clock.now();
    target.fire().then(
      () => {
        this.#observer?.({ key, attempt, atMs, ok: true });
        if (this.#committed.get(key) === alarmMs && !this.#armed.has(key)) void target.clear(alarmMs).catch(() => undefined);
      },
      () => {
        this.#observer?.({ key, attempt, atMs, ok: false });
        // A setAlarm in the meantime re-armed the object; that alarm wins over the retry.
        if (this.#armed.has(key) || this.#committed.get(key) !== alarmMs) return;
        if (attempt >= DO_ALARM_RETRIES_MAX) return void target.clear(alarmMs).catch(() => undefined);
        this.#arm(key, alarmMs, DO_ALARM_RETRY_DELAY_MS_INITIAL * 2 ** attempt, attempt + 1, target);
      },
    );
  }
}
