/**
 * What drives propagation between PoPs. `Simulation` satisfies it (virtual time, tests and
 * simulations); `WallScheduler` satisfies it with real timers (the server).
 */
export interface Scheduler {
  schedule(delayMs: number, fn: () => void, label?: string): unknown;
}
