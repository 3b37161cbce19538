// Turns the engine's top-k progress into what vscode.window.withProgress wants: a message and an increment
// in percent. Scoring the folder is most of the work (0–90 %); preparing the pictures takes the rest.
// No vscode import: unit-tested in Node.
import type { TopkProgress } from '../../shared/topkProtocol';

const SCORE_SHARE = 90;

export interface ProgressStep {
  message: string;
  /** Percent to add to the bar (never negative). */
  increment: number;
}

export class TopkProgressTracker {
  private reported = 0;

  /** Percent of the whole run reported so far (0..100). */
  get percent(): number {
    return this.reported;
  }

  next(p: TopkProgress): ProgressStep {
    const fraction = p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : 0;
    // Listing moves no bar: its count is in the message.
    const target = p.phase === 'list' ? 0 : p.phase === 'score' ? fraction * SCORE_SHARE : SCORE_SHARE + fraction * (100 - SCORE_SHARE);
    const increment = Math.max(0, target - this.reported);
    this.reported += increment;
    return { message: p.message, increment };
  }
}
