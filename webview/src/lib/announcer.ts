// What a screen reader says about a long run without the user moving there: a polite live region, out of sight,
// that speaks a run's start, its progress at each quarter, and its end. Progress lines that change every step
// (a caption, a progress bar) are not live regions: read at every step they would drown everything else.

export class Announcer {
  readonly element: HTMLElement;
  private lastQuarter = -1;

  constructor(parent: HTMLElement, id: string) {
    this.element = document.createElement('div');
    this.element.id = id;
    this.element.className = 'sr-only';
    this.element.setAttribute('role', 'status');
    this.element.setAttribute('aria-live', 'polite');
    this.element.setAttribute('aria-atomic', 'true');
    parent.append(this.element);
  }

  /** Speaks `text` (again, if it is what was said last: a no-break space makes it a change). */
  say(text: string): void {
    this.element.textContent = text === this.element.textContent ? `${text}\u00a0` : text;
  }

  /** A run starts: `text` is spoken and the quarters count from zero. */
  started(text: string): void {
    this.lastQuarter = 0;
    this.say(text);
  }

  /** Speaks `text` when `done / total` reaches a quarter it had not reached yet (25, 50, 75 %), not the end. */
  progress(done: number, total: number, text: () => string): void {
    if (!(total > 0)) return;
    const quarter = Math.floor((4 * Math.min(done, total)) / total);
    if (quarter > this.lastQuarter && quarter < 4) {
      this.lastQuarter = quarter;
      this.say(text());
    }
  }

  /** A run ended (done, cancelled or failed): `text` is spoken. */
  ended(text: string): void {
    this.lastQuarter = 4;
    this.say(text);
  }
}
