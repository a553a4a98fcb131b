/**
 * The virtual clock: a binary min-heap of events on their instant. Ties go by rank, then in insertion order,
 * so a run is deterministic whatever the heap's internal layout.
 */
export interface QueuedEvent<T> {
  readonly at: number;
  /** At one instant, lower ranks go first. */
  readonly rank: number;
  readonly seq: number;
  readonly payload: T;
}

export class EventQueue<T> {
  #items: QueuedEvent<T>[] = [];
  #seq = 0;

  get size(): number {
    return this.#items.length;
  }

  push(at: number, payload: T, rank = 0): void {
    const items = this.#items;
    items.push({ at, rank, seq: this.#seq++, payload });
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(items[index] as QueuedEvent<T>, items[parent] as QueuedEvent<T>)) break;
      swap(items, index, parent);
      index = parent;
    }
  }

  pop(): QueuedEvent<T> | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    items[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < items.length && before(items[left] as QueuedEvent<T>, items[smallest] as QueuedEvent<T>)) smallest = left;
      if (right < items.length && before(items[right] as QueuedEvent<T>, items[smallest] as QueuedEvent<T>)) smallest = right;
      if (smallest === index) return top;
      swap(items, index, smallest);
      index = smallest;
    }
  }
}

function before<T>(a: QueuedEvent<T>, b: QueuedEvent<T>): boolean {
  return a.at < b.at || (a.at === b.at && (a.rank < b.rank || (a.rank === b.rank && a.seq < b.seq)));
}

function swap<T>(items: T[], i: number, j: number): void {
  const held = items[i] as T;
  items[i] = items[j] as T;
  items[j] = held;
}
