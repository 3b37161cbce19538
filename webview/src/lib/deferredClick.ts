// A click on a surface that also has a double-click action: a user's first click (detail 1) may be half of a
// double-click, so its action waits out the double-click interval; the second click (detail 2) belongs to the
// double-click and does nothing here; a click without a count (keyboard, a test's event) acts at once.
export class DeferredClick {
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly delayMs = 250) {}

  click(detail: number, act: () => void): void {
    this.cancel();
    if (detail === 1) this.pending = setTimeout(() => {
      this.pending = undefined;
      act();
    }, this.delayMs);
    else if (detail === 0) act();
  }

  /** Drops a waiting click's action (a double-click came). */
  cancel(): void {
    if (this.pending !== undefined) clearTimeout(this.pending);
    this.pending = undefined;
  }
}
