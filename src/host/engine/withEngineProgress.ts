// The one cancellable notification for engine work: its Cancel aborts the signal the work passes to the engine (which
// cancels the request), and so does the caller's own signal (a newer run superseding this one), which also closes
// the notification. Work that was cancelled rejects with the 'cancelled' error, whether it finished or failed
// otherwise. Progress is reported as a fraction of the whole job and a message.
import * as vscode from 'vscode';
import { LayerLensError } from '../../shared/errors';
import { ProgressFraction } from './progressFraction';

export interface EngineProgressOptions {
  title: string;
  /** Aborted by the caller (superseded, panel closed): the work's signal aborts too. */
  signal?: AbortSignal;
}

/** `fraction` is how much of the whole job is done (0..1); absent, only the message changes. */
export type ReportProgress = (fraction: number | undefined, message?: string) => void;

export function withEngineProgress<T>(options: EngineProgressOptions, work: (signal: AbortSignal, report: ReportProgress) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  if (options.signal?.aborted) abort.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  const notification = vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: options.title, cancellable: true }, async (progress, token) => {
    const cancelled = token.onCancellationRequested(stop);
    const bar = new ProgressFraction();
    try {
      const value = await work(abort.signal, (fraction, message) => {
        if (!abort.signal.aborted) progress.report(bar.next(fraction, message));
      });
      // Cancelled while the work could no longer stop (its last step was done): still a cancelled run.
      if (abort.signal.aborted) throw new LayerLensError('cancelled', 'Cancelled.');
      return value;
    } catch (err) {
      // Whatever the work failed with on its way out (a killed process, a closed pipe), a cancelled run was cancelled.
      if (abort.signal.aborted) throw new LayerLensError('cancelled', 'Cancelled.');
      throw err;
    } finally {
      cancelled.dispose();
      options.signal?.removeEventListener('abort', stop);
    }
  });
  return Promise.resolve(notification);
}
