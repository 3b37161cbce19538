import { LayerLensError } from '../shared/errors';

/** Throws the 'cancelled' error when the signal fired. Long loops call this between steps. */
export function throwIfAborted(signal: AbortSignal | undefined, what = 'The run'): void {
  if (signal?.aborted) throw new LayerLensError('cancelled', `${what} was cancelled.`);
}

let yieldGate: (() => Promise<void>) | undefined;

/**
 * Where a long loop's yield points wait after yielding: the engine's scheduler parks a long job there while a
 * short request runs (engine/scheduler.ts). Unset (the CLI), a yield point only yields.
 */
export function setYieldGate(gate: (() => Promise<void>) | undefined): void {
  yieldGate = gate;
}

/** Whether yield points may hand the thread to waiting short requests (in the engine; not in the CLI). */
export function yieldGateInstalled(): boolean {
  return yieldGate !== undefined;
}

/** Yields to the event loop so that a cancel message can arrive between steps of a long loop. */
export function yieldToEventLoop(): Promise<void> {
  const yielded = new Promise<void>((resolve) => setTimeout(resolve, 0));
  const gate = yieldGate;
  return gate ? yielded.then(gate) : yielded;
}
