// The strip of frames under the live image (pure, no DOM): keeps at most `capacity` frames spread over the whole
// run by thinning — when full, every other kept frame is dropped and the keeping interval doubles.
export interface StripFrame<T> {
  step: number;
  image: T;
}

export class FrameStrip<T> {
  private kept: StripFrame<T>[] = [];
  private every = 1;
  private seen = 0;

  constructor(readonly capacity = 12) {}

  clear(): void {
    this.kept = [];
    this.every = 1;
    this.seen = 0;
  }

  /** Offers a frame; it is kept when it falls on the current interval. The final frame is always kept. */
  add(step: number, image: T, last = false): void {
    const index = this.seen++;
    if (index % this.every !== 0 && !last) return;
    if (last && this.kept.length > 0 && this.kept[this.kept.length - 1].step === step) return;
    this.kept.push({ step, image });
    while (this.kept.length > this.capacity) {
      const tail = last ? this.kept.pop() : undefined;
      this.kept = this.kept.filter((_, i) => i % 2 === 0);
      this.every *= 2;
      if (tail) this.kept.push(tail);
    }
  }

  get frames(): readonly StripFrame<T>[] {
    return this.kept;
  }
}
