import { AssertionFailed } from "../core/errors.js";

export interface ScheduledEvent<T> {
  readonly atMs: number;
  /** Insertion order; breaks ties between equal times so the order is stable. */
  readonly seq: number;
  readonly value: T;
}

/** Binary min-heap ordered by (atMs, seq): equal times pop in insertion order. */
export class EventQueue<T> {
  #heap: ScheduledEvent<T>[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  push(atMs: number, value: T): ScheduledEvent<T> {
    if (!Number.isFinite(atMs)) throw new AssertionFailed(`event time must be finite, got ${atMs}`);
    const event = { atMs, seq: this.#seq++, value };
    const heap = this.#heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event, heap[parent] as ScheduledEvent<T>)) break;
      heap[i] = heap[parent] as ScheduledEvent<T>;
      i = parent;
    }
    heap[i] = event;
    return event;
  }

  peek(): ScheduledEvent<T> | undefined {
    return this.#heap[0];
  }

  pop(): ScheduledEvent<T> | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && before(heap[right] as ScheduledEvent<T>, heap[left] as ScheduledEvent<T>) ? right : left;
      if (!before(heap[child] as ScheduledEvent<T>, last)) break;
      heap[i] = heap[child] as ScheduledEvent<T>;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before<T>(a: ScheduledEvent<T>, b: ScheduledEvent<T>): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
