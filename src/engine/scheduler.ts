// Which request runs when in the engine's one thread. A feature-maps, kernels or listing request must answer within
// a second even while a top-k or activation-maximization job runs for minutes. Long jobs already stop at yield points
// (core/abort.ts yieldToEventLoop) to read cancel messages and send progress; there the scheduler parks a long job
// while any interactive request waits or runs, and lets it go on once none is left. So an interactive request waits
// at most for the long job's current step (a ~400 ms slice of a top-k batch, 25 ms of actmax), and the model is loaded
// only once.
//
// Requests run in lanes, one at a time per lane and in order of arrival within it: 'interactive' (the default),
// 'compute' (the long TF.js jobs) and 'python' (conversions that wait on the user's Python, not on this thread).
// Lanes run side by side; only the interactive lane pre-empts the others, and only at their yield points.
import { AsyncLocalStorage } from 'node:async_hooks';
import { LayerLensError } from '../shared/errors';

export type Lane = 'interactive' | 'compute' | 'python';

const LONG_METHODS: Readonly<Record<string, Lane>> = {
  'topk.find': 'compute',
  actmax: 'compute',
  'attribution.run': 'compute',
  'atlas.run': 'compute',
  'unit.page': 'compute',
  'pytorch.inspect': 'python',
  'pytorch.convert': 'python',
  'torchvision.export': 'python',
};

/** The lane of an engine method: the long jobs by name, everything else interactive. */
export function laneOf(method: string): Lane {
  return Object.prototype.hasOwnProperty.call(LONG_METHODS, method) ? (LONG_METHODS[method] as Lane) : 'interactive';
}

interface Job {
  lane: Lane;
  signal: AbortSignal;
  start(): void;
  drop(err: Error): void;
}

export class Scheduler {
  private readonly context = new AsyncLocalStorage<Job>();
  private readonly waiting = new Map<Lane, Job[]>();
  private readonly running = new Map<Lane, Job>();
  /** Long jobs stopped at a yield point, each with the function that lets it go on (or fails it). */
  private readonly parked = new Map<Job, { resume(): void; fail(err: Error): void }>();

  /**
   * Runs `work` in the method's lane once that lane is free; rejects with 'cancelled', without running it, when
   * `signal` aborts while it waits.
   */
  run<T>(method: string, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const lane = laneOf(method);
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) return reject(cancelled());
      const job: Job = {
        lane,
        signal,
        start: () => {
          signal.removeEventListener('abort', onAbort);
          this.running.set(lane, job);
          this.context
            .run(job, async () => work())
            .finally(() => {
              this.running.delete(lane);
              this.pump();
            })
            .then(resolve, reject);
        },
        drop: reject,
      };
      const onAbort = () => {
        const queue = this.waiting.get(lane) ?? [];
        const at = queue.indexOf(job);
        if (at < 0) return;
        queue.splice(at, 1);
        job.drop(cancelled());
        // A long job may have been parked only for this request.
        this.pump();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue(lane).push(job);
      this.pump();
    });
  }

  /**
   * A long job's yield point: resolves at once unless interactive requests wait or run, else once none is left.
   * Rejects with 'cancelled' when the job is cancelled while parked, so that it ends without another step.
   */
  yieldPoint(): Promise<void> {
    const job = this.context.getStore();
    if (!job || job.lane === 'interactive' || !this.interactiveBusy()) return Promise.resolve();
    if (job.signal.aborted) return Promise.reject(cancelled());
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => this.parked.get(job)?.fail(cancelled());
      const leave = () => {
        job.signal.removeEventListener('abort', onAbort);
        this.parked.delete(job);
      };
      this.parked.set(job, {
        resume: () => (leave(), resolve()),
        fail: (err) => (leave(), reject(err)),
      });
      job.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** What runs, waits and is parked, per lane (for tests and logs). */
  get state(): { running: Lane[]; waiting: Record<string, number>; parked: number } {
    const waiting: Record<string, number> = {};
    for (const [lane, q] of this.waiting) if (q.length) waiting[lane] = q.length;
    return { running: [...this.running.keys()], waiting, parked: this.parked.size };
  }

  private interactiveBusy(): boolean {
    return this.running.has('interactive') || this.queue('interactive').length > 0;
  }

  private queue(lane: Lane): Job[] {
    let q = this.waiting.get(lane);
    if (!q) this.waiting.set(lane, (q = []));
    return q;
  }

  private pump(): void {
    for (const [lane, q] of this.waiting) {
      if (this.running.has(lane) || q.length === 0) continue;
      // Started outside the caller's async context: a job started from a long job's yield point is not that job.
      const next = q.shift() as Job;
      this.context.exit(() => next.start());
    }
    if (this.interactiveBusy()) return;
    for (const parked of [...this.parked.values()]) parked.resume();
  }
}

function cancelled(): LayerLensError {
  return new LayerLensError('cancelled', 'The request was cancelled.');
}
