// Mutant: after a sync sets pending to 0 instead of subtracting the delta it reported, so admissions made locally while the call was in flight are never reported (a Tokyo sync in flight for 140 ms loses every local admission made meanwhile; in the tuning scenario the PoPs overshoot far beyond L + (P − 1)·k). (blind)

import type { DurableObjectNamespaceApi, DurableObjectStateApi } from "../../../src/core/bindings.js";
import type { Clock } from "../../../src/sim/clock.js";

export type FailMode = "open" | "closed";

export interface HybridOptions {
  /** Requests admitted per key per aligned window, globally (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
  /** k: the k-th request since the last sync syncs (1 = every request; ≥ 1). */
  syncEveryRequests: number;
  /** s: a request syncs when this many ms have passed since the last sync (≥ 1). */
  syncEveryMs: number;
  failMode: FailMode;
}

export interface Tuning {
  syncEveryRequests: number;
  syncEveryMs: number;
}

// 3 PoPs: (P − 1)·k = 300 = 3% of L worst case; 1 request in 150 syncs (< 1%).
export const TUNING: Tuning = { syncEveryRequests: 150, syncEveryMs: 5_000 };

interface SyncRequest {
  window: number;
  delta: number;
  limit: number;
}

interface SyncAnswer {
  total: number;
  granted: boolean;
}

export class WindowTotalsObject {
  constructor(readonly state: DurableObjectStateApi) {}

  async fetch(request: Request): Promise<Response> {
    const body = (await request.json()) as SyncRequest;
    const slot = `window:${body.window}`;
    let total = (await this.state.storage.get<number>(slot)) ?? 0;
    total += body.delta;
    const granted = total < body.limit;
    if (granted) total += 1;
    await this.state.storage.put(slot, total);
    const answer: SyncAnswer = { total, granted };
    return Response.json(answer);
  }
}

interface KeyState {
  window: number;
  /** The window's global total at the last sync. */
  known: number;
  /** Admissions made here and not reported yet. */
  pending: number;
  /** Requests since the last sync. */
  sinceSync: number;
  lastSyncMs: number;
  inFlight: boolean;
  /** First request of the window, or the last sync failed. */
  mustSync: boolean;
}

export class PopLimiter {
  readonly #keys = new Map<string, KeyState>();

  constructor(
    readonly options: HybridOptions,
    readonly ns: DurableObjectNamespaceApi,
    readonly clock: Clock,
  ) {}

  async tryAcquire(key: string): Promise<boolean> {
    const { windowMs, syncEveryRequests, syncEveryMs } = this.options;
    const nowMs = this.clock.nowMs();
    const window = Math.floor(nowMs / windowMs);
    let st = this.#keys.get(key);
    if (st === undefined || st.window !== window) {
      st = { window, known: 0, pending: 0, sinceSync: 0, lastSyncMs: nowMs, inFlight: false, mustSync: true };
      this.#keys.set(key, st);
    }
    st.sinceSync++;
    const due = st.mustSync || st.sinceSync >= syncEveryRequests || nowMs - st.lastSyncMs >= syncEveryMs;
    if (due && !st.inFlight) return this.#sync(key, st, nowMs);
    return this.#decideLocally(st);
  }

  #decideLocally(st: KeyState): boolean {
    if (st.known + st.pending < this.options.limit) {
      st.pending++;
      return true;
    }
    return false;
  }

  async #sync(key: string, st: KeyState, nowMs: number): Promise<boolean> {
    const delta = st.pending;
    st.inFlight = true;
    try {
      const stub = this.ns.get(this.ns.idFromName(key));
      const body: SyncRequest = { window: st.window, delta, limit: this.options.limit };
      const response = await stub.fetch(
        new Request("https://window-totals/sync", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
      if (!response.ok) throw new Error(`window totals answered ${response.status}`);
      const answer = (await response.json()) as SyncAnswer;
      st.known = answer.total;
      st.pending = 0;
      st.sinceSync = 0;
      st.lastSyncMs = nowMs;
      st.mustSync = false;
      return answer.granted;
    } catch {
      st.mustSync = true;
      return this.options.failMode === "open" ? this.#decideLocally(st) : false;
    } finally {
      st.inFlight = false;
    }
  }
}
