// One request at a time for one purpose (a panel's forward pass, its kernels, its run): a new run aborts the one
// before it, whose answer (or error) is then dropped, so an older answer never lands over a newer one. No vscode
// here: unit-tested in Node.
import { LayerLensError } from '../../shared/errors';

/** What a run came to: its value, or `stale` when a newer run superseded it (its answer belongs to no one). */
export type Latest<T> = { stale: false; value: T } | { stale: true };

export class LatestRequest {
  private controller: AbortController | undefined;
  private readonly superseded = new WeakSet<AbortSignal>();
  private latestSettled = true;

  /**
   * Starts `work`, aborting the run before it. `work` passes the signal to the engine (which then cancels) and checks
   * `signal.aborted` before posting progress. A superseded run resolves `{ stale: true }` whatever it did; a run
   * stopped by cancel() rejects with the 'cancelled' error whatever its work did (finished, or failed otherwise); the
   * current run's own errors reject as they are.
   */
  async run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<Latest<T>> {
    if (this.controller) {
      this.superseded.add(this.controller.signal);
      this.controller.abort();
    }
    const controller = (this.controller = new AbortController());
    const { signal } = controller;
    this.latestSettled = false;
    try {
      const value = await work(signal);
      if (this.superseded.has(signal)) return { stale: true };
      if (signal.aborted) throw new LayerLensError('cancelled', 'Cancelled.');
      return { stale: false, value };
    } catch (err) {
      if (this.superseded.has(signal)) return { stale: true };
      // Stopped by cancel(): whatever the work failed with on the way out, the run was cancelled.
      if (signal.aborted) throw new LayerLensError('cancelled', 'Cancelled.');
      throw err;
    } finally {
      if (this.controller === controller) this.latestSettled = true;
    }
  }

  /**
   * The signal of the latest run, aborted once a newer run starts or cancel() is called. Requests that belong to
   * that run (a layer of the pass just opened) pass it on and check it before using their answer.
   */
  get signal(): AbortSignal | undefined {
    return this.controller?.signal;
  }

  /** True from the start of the latest run until it settles (also while a cancelled one winds down). */
  get running(): boolean {
    return !this.latestSettled;
  }

  /** Stops the latest run (the user's Cancel, a closed panel): it rejects with the 'cancelled' error. */
  cancel(): void {
    this.controller?.abort();
  }
}
