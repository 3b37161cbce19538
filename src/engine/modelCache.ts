// Loaded models stay in the engine between requests, keyed by path and invalidated when the file changes.
// Before a model is loaded in the engine's thread, it must have loaded once on a worker thread within a time
// bound (modelLoadCheck.ts): the check is what may hang, be cancelled or time out, never the engine itself.
import { statSync } from 'node:fs';
import type { LoadedModel } from '../core/model/loadedModel';
import { loadModel } from '../core/node/loadModelFile';
import { LayerLensError } from '../shared/errors';
import type { ModelInfo } from '../shared/model';
import { checkModelLoads } from './modelLoadCheck';

interface Version {
  mtimeMs: number;
  size: number;
}

interface Check extends Version {
  info: Promise<ModelInfo>;
  /** Requests waiting for it; when the last one is cancelled the worker is stopped. */
  waiters: number;
  stop: AbortController;
}

interface Entry extends Version {
  model: Promise<LoadedModel>;
}

export class ModelCache {
  private readonly entries = new Map<string, Entry>();
  private readonly checks = new Map<string, Check>();
  /** Listings at a size asked for (infoAtSize), by size and path. */
  private readonly sized = new Map<string, Version & { info: Promise<ModelInfo> }>();

  constructor(private readonly check: typeof checkModelLoads = checkModelLoads) {}

  /**
   * Resolves with the model's info once it has loaded on the worker thread (at once when it did before and the
   * file has not changed). Rejects with the load's one sentence, on timeout, or when `signal` aborts.
   */
  checked(path: string, signal?: AbortSignal): Promise<ModelInfo> {
    const version = versionOf(path);
    let check = this.checks.get(path);
    if (!check || !sameVersion(check, version)) {
      if (check) this.checks.delete(path);
      const stop = new AbortController();
      const info = this.check(path, stop.signal);
      const fresh: Check = { ...version, info, waiters: 0, stop };
      check = fresh;
      this.checks.set(path, fresh);
      // A failed check must not stay cached: the user may fix the file and try again.
      info.catch(() => this.checks.get(path) === fresh && this.checks.delete(path));
    }
    if (signal) return this.wait(path, check, signal);
    // A caller that cannot cancel keeps the check alive even when every cancellable waiter gives up.
    check.waiters = Number.POSITIVE_INFINITY;
    return check.info;
  }

  /** The info of a model: from the engine's copy when loaded, else from the worker's check (no load here). */
  async info(path: string, signal?: AbortSignal): Promise<ModelInfo> {
    const version = versionOf(path);
    const entry = this.entries.get(path);
    if (entry && sameVersion(entry, version)) return (await entry.model).info;
    return this.checked(path, signal);
  }

  /**
   * The info of a model that does not fix its input size, listed at [height, width] (the Layers tree at the size a
   * panel chose): the model is checked as usual, then loaded at that size here only for its shapes, and let go.
   */
  async infoAtSize(path: string, inputSize: [number, number], signal?: AbortSignal): Promise<ModelInfo> {
    const info = await this.checked(path, signal);
    if (!info.assumedInputSize) return info;
    const key = `${inputSize[0]}x${inputSize[1]}:${path}`;
    const version = versionOf(path);
    const cached = this.sized.get(key);
    if (cached && sameVersion(cached, version)) return cached.info;
    const sized = loadModel(path, { inputSize }).then((model) => {
      const { info: atSize } = model;
      model.dispose();
      return atSize;
    });
    // Sizes a user tries are few; the oldest goes once there are more.
    if (this.sized.size >= 16) this.sized.delete(this.sized.keys().next().value as string);
    const entry = { ...version, info: sized };
    this.sized.set(key, entry);
    sized.catch(() => this.sized.get(key) === entry && this.sized.delete(key));
    return sized;
  }

  async get(path: string): Promise<LoadedModel> {
    const version = versionOf(path);
    const cached = this.entries.get(path);
    if (cached && sameVersion(cached, version)) return cached.model;
    if (cached) this.evict(path, cached);
    const model = this.checked(path).then(() => loadModel(path));
    const entry: Entry = { ...version, model };
    this.entries.set(path, entry);
    // A failed load must not stay cached: the user may fix the file and try again.
    model.catch(() => this.entries.get(path) === entry && this.entries.delete(path));
    return model;
  }

  disposeAll(): void {
    for (const [path, entry] of this.entries) this.evict(path, entry);
  }

  private wait(path: string, check: Check, signal: AbortSignal): Promise<ModelInfo> {
    if (signal.aborted) return Promise.reject(new LayerLensError('cancelled', 'The request was cancelled.'));
    check.waiters++;
    return new Promise<ModelInfo>((resolve, reject) => {
      let done = false;
      const finish = (outcome: () => void) => {
        if (done) return;
        done = true;
        signal.removeEventListener('abort', onAbort);
        check.waiters--;
        outcome();
      };
      const onAbort = () =>
        finish(() => {
          reject(new LayerLensError('cancelled', 'The request was cancelled.'));
          if (check.waiters > 0) return;
          // Nobody waits for this check any more: stop its worker.
          if (this.checks.get(path) === check) this.checks.delete(path);
          check.stop.abort();
        });
      signal.addEventListener('abort', onAbort, { once: true });
      check.info.then(
        (info) => finish(() => resolve(info)),
        (err: unknown) => finish(() => reject(err)),
      );
    });
  }

  private evict(path: string, entry: Entry): void {
    this.entries.delete(path);
    entry.model.then((m) => m.dispose(), () => undefined);
  }
}

function versionOf(path: string): Version {
  try {
    const stat = statSync(path);
    return { mtimeMs: stat.mtimeMs, size: stat.size };
  } catch {
    throw new LayerLensError('notFound', `${path} does not exist.`);
  }
}

function sameVersion(a: Version, b: Version): boolean {
  return a.mtimeMs === b.mtimeMs && a.size === b.size;
}
