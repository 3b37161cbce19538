import { LayerLensError } from '../shared/errors';

/** Throws the 'cancelled' error when the signal fired. Long loops call this between steps. */
export function throwIfAborted(signal: AbortSignal | undefined, what = 'The run'): void {
  if (signal?.aborted) throw new LayerLensError('cancelled', `${what} was cancelled.`);
}

/** Yields to the event loop so that a cancel message can arrive between steps of a long loop. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
