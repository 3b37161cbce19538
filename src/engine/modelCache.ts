// Loaded models stay in the engine between requests, keyed by path and invalidated when the file changes.
// Before a model is loaded in the engine's thread, it must have loaded once on a worker thread within a time
// bound (modelLoadCheck.ts): the check is what may hang, be cancelled or time out, never the engine itself.
// A check that refused the file for what the file itself holds (not a model, not JSON...) is kept too, keyed by the
// file's identity: a panel asking again about the same bad file is answered at once instead of starting another
// worker that loads TF.js (about 1.5 s of CPU each), and the file changed on disk is checked again.
import { statSync } from 'node:fs';
import type { LoadedModel } from '../core/model/loadedModel';
import { loadModel } from '../core/node/loadModelFile';
import { LayerLensError, type ErrorCode } from '../shared/errors';
import type { ModelInfo } from '../shared/model';
import { checkModelLoads } from './modelLoadCheck';

/** What tells one version of a file from another: a copy over it changes mtime, a chmod ctime, a rename-over ino. */
interface Version {
  mtimeMs: number;
  ctimeMs: number;
  size: number;
  ino: number;
}

/**
 * Refusals that depend on the named file's own bytes only, so the same version is refused the same way again.
 * Left out: missing or bad weights (another file may appear or change), malformedModel (also a timeout or the
 * worker's memory bound, which a less loaded machine may pass), internal and cancelled.
 */
const KEPT_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['notJson', 'notAModel', 'pathEscape', 'unknownLayer', 'unsupportedOp']);
/** Refusals kept at most (the oldest goes first): a user tries a few bad files, not thousands. */
export const MAX_KEPT_REFUSALS = 64;

interface Refusal extends Version {
  code: ErrorCode;
  message: string;
  snippet?: string;
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
  /** Refusals of a file's own content, by path (see KEPT_REFUSALS), in the order they were last used. */
  private readonly refusals = new Map<string, Refusal>();
  /** Listings at a size asked for (infoAtSize), by size and path. */
  private readonly sized = new Map<string, Version & { info: Promise<ModelInfo> }>();

  constructor(private readonly check: typeof checkModelLoads = checkModelLoads) {}

  /**
   * Resolves with the model's info once it has loaded on the worker thread (at once when it did before and the
   * file has not changed). Rejects with the load's one sentence, on timeout, or when `signal` aborts; a file refused
   * for its content before and unchanged since is refused again at once, with the same code and sentence.
   */
  checked(path: string, signal?: AbortSignal): Promise<ModelInfo> {
    const version = versionOf(path);
    const refused = this.refusal(path, version);
    if (refused) return Promise.reject(refused);
    let check = this.checks.get(path);
    if (!check || !sameVersion(check, version)) {
      if (check) this.checks.delete(path);
      const stop = new AbortController();
      const info = this.check(path, stop.signal);
      const fresh: Check = { ...version, info, waiters: 0, stop };
      check = fresh;
      this.checks.set(path, fresh);
      // A failed check must not stay as a check (a later request starts a new one); a refusal of the file's own
      // content is kept for this version of the file only.
      info.catch((err: unknown) => {
        if (this.checks.get(path) !== fresh) return;
        this.checks.delete(path);
        this.keepRefusal(path, version, err);
      });
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

  private refusal(path: string, version: Version): LayerLensError | undefined {
    const kept = this.refusals.get(path);
    if (!kept) return undefined;
    this.refusals.delete(path);
    if (!sameVersion(kept, version)) return undefined;
    // Used again: it goes to the back of the line, last to be forgotten.
    this.refusals.set(path, kept);
    return new LayerLensError(kept.code, kept.message, kept.snippet);
  }

  private keepRefusal(path: string, version: Version, err: unknown): void {
    if (!(err instanceof LayerLensError) || !KEPT_REFUSALS.has(err.code)) return;
    this.refusals.delete(path);
    if (this.refusals.size >= MAX_KEPT_REFUSALS) this.refusals.delete(this.refusals.keys().next().value as string);
    this.refusals.set(path, { ...version, code: err.code, message: err.message, snippet: err.snippet });
  }

  private evict(path: string, entry: Entry): void {
    this.entries.delete(path);
    entry.model.then((m) => m.dispose(), () => undefined);
  }
}

function versionOf(path: string): Version {
  try {
    const stat = statSync(path);
    return { mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, size: stat.size, ino: stat.ino };
  } catch {
    throw new LayerLensError('notFound', `${path} does not exist.`);
  }
}

function sameVersion(a: Version, b: Version): boolean {
  return a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.size === b.size && a.ino === b.ino;
}
