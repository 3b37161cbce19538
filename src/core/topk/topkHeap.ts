// The k best images of one channel: a binary min-heap whose root is the entry to drop next, so each new score
// costs O(log k) and the whole pass O(images · channels · log k).

export interface Scored {
  value: number;
  /** Position of the image in the listing: ties go to the earlier file, so results do not depend on batching. */
  order: number;
}

/** True when a ranks below b (a is dropped first). NaN ranks below everything. */
function worse(a: Scored, b: Scored): boolean {
  const av = Number.isNaN(a.value) ? -Infinity : a.value;
  const bv = Number.isNaN(b.value) ? -Infinity : b.value;
  return av < bv || (av === bv && a.order > b.order);
}

export class TopkHeap<T extends Scored> {
  private readonly items: T[] = [];

  constructor(readonly k: number) {}

  /** Would `value` at `order` enter the heap? Lets the caller skip building an entry that would be dropped. */
  accepts(value: number, order: number): boolean {
    if (this.k <= 0) return false;
    if (this.items.length < this.k) return true;
    return worse(this.items[0] as T, { value, order });
  }

  push(item: T): void {
    if (this.k <= 0) return;
    const a = this.items;
    if (a.length < this.k) {
      a.push(item);
      this.up(a.length - 1);
    } else if (worse(a[0] as T, item)) {
      a[0] = item;
      this.down(0);
    }
  }

  /** The entries, best first. */
  sorted(): T[] {
    return [...this.items].sort((p, q) => (worse(p, q) ? 1 : worse(q, p) ? -1 : 0));
  }

  private up(i: number): void {
    const a = this.items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(a[i] as T, a[parent] as T)) break;
      [a[i], a[parent]] = [a[parent] as T, a[i] as T];
      i = parent;
    }
  }

  private down(i: number): void {
    const a = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && worse(a[l] as T, a[m] as T)) m = l;
      if (r < a.length && worse(a[r] as T, a[m] as T)) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m] as T, a[i] as T];
      i = m;
    }
  }
}
