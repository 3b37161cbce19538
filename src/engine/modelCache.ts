// Loaded models stay in the engine between requests, keyed by path and invalidated when the file changes.
import { statSync } from 'node:fs';
import type { LoadedModel } from '../core/model/loadedModel';
import { loadModel } from '../core/node/loadModelFile';
import { LayerLensError } from '../shared/errors';

interface Entry {
  mtimeMs: number;
  size: number;
  model: Promise<LoadedModel>;
}

export class ModelCache {
  private readonly entries = new Map<string, Entry>();

  async get(path: string): Promise<LoadedModel> {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new LayerLensError('notFound', `${path} does not exist.`);
    }
    const cached = this.entries.get(path);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.model;
    if (cached) this.evict(path, cached);
    const model = loadModel(path);
    this.entries.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, model });
    // A failed load must not stay cached: the user may fix the file and try again.
    model.catch(() => this.entries.delete(path));
    return model;
  }

  disposeAll(): void {
    for (const [path, entry] of this.entries) this.evict(path, entry);
  }

  private evict(path: string, entry: Entry): void {
    this.entries.delete(path);
    entry.model.then((m) => m.dispose(), () => undefined);
  }
}
