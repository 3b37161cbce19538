// vscode.window.withProgress adds up increments; a job reports how far it is (a fraction of the whole). This turns
// the one into the other, never moving the bar back. No vscode here: unit-tested in Node.

export interface ProgressStep {
  message?: string;
  /** Percent to add to the bar (never negative). */
  increment: number;
}

export class ProgressFraction {
  private reported = 0;

  /** Percent of the bar filled so far (0..100). */
  get percent(): number {
    return this.reported;
  }

  /** The step that moves the bar to `fraction` (0..1, clamped; absent: only the message changes). */
  next(fraction: number | undefined, message?: string): ProgressStep {
    const target = fraction === undefined || !Number.isFinite(fraction) ? this.reported : Math.max(0, Math.min(100, fraction * 100));
    const increment = Math.max(0, target - this.reported);
    this.reported += increment;
    return { ...(message !== undefined ? { message } : {}), increment };
  }
}
