// The Feature Maps panel's Explain section on the host side: each request of the webview becomes one
// `attribution.run` in the engine, and its map is kept, so asking again for the same model, image, target,
// method and options (switching methods back and forth, a second slot) answers at once without the engine.
// Each of the two slots runs one request at a time: a newer one cancels the older, and so does Cancel.
import { statSync } from 'node:fs';
import { ATTRIBUTION_METHODS, type AttributionMap, type AttributionOptions } from '../../shared/attribution';
import { toErrorPayload } from '../../shared/errors';
import type { ExplainSlot, FeatureMapsToWebview } from '../../shared/featureMapsProtocol';
import type { InputSpec } from '../../shared/model';
import type { EngineService } from '../engine/engineService';
import { LatestRequest } from '../engine/supersede';

/** Maps kept: each is one float per input pixel (a 224² map is 200 KB), so a few dozen cost little. */
const CACHE_ENTRIES = 32;

export interface ExplainSource {
  modelPath: string;
  imagePath: string;
  inputSettings?: Partial<InputSpec>;
}

export class ExplainController {
  private readonly cache = new Map<string, AttributionMap>();
  /** Per slot, the request under way: a newer one on the slot supersedes (and cancels) it. */
  private readonly slots: Record<ExplainSlot, LatestRequest> = { 0: new LatestRequest(), 1: new LatestRequest() };
  /** Engine runs since the panel opened (tests check that a cached answer runs none). */
  engineRuns = 0;

  constructor(
    private readonly engine: Pick<EngineService, 'request'>,
    private readonly post: (msg: FeatureMapsToWebview) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  async explain(source: ExplainSource, slot: unknown, requestId: unknown, options: unknown): Promise<void> {
    if ((slot !== 0 && slot !== 1) || typeof requestId !== 'number') return;
    if (!isOptions(options)) {
      this.post({ type: 'explainError', slot, requestId, message: 'The Explain request names no method or target Layer Lens knows.', cancelled: false });
      return;
    }
    const latest = this.slots[slot];
    // What ran on the slot ends (as cancelled), also when the new answer is a kept one.
    latest.cancel();
    const key = cacheKey(source, options);
    const kept = this.cache.get(key);
    if (kept) {
      // Most recently used last: the oldest entry is the one dropped.
      this.cache.delete(key);
      this.cache.set(key, kept);
      this.post({ type: 'explainResult', slot, requestId, map: kept, cached: true });
      return;
    }
    try {
      this.engineRuns++;
      const outcome = await latest.run(async (signal) => {
        const map = await this.engine.request('attribution.run', { ...source, options }, {
          signal,
          onProgress: (progress) => {
            if (!signal.aborted) this.post({ type: 'explainProgress', slot, requestId, progress });
          },
        });
        // Kept even when a newer request took over: asking for it again answers at once.
        this.remember(key, map);
        return map;
      });
      // Superseded: the slot's webview side ends this request as cancelled (it shows the newer one).
      if (outcome.stale) this.post({ type: 'explainError', slot, requestId, message: 'Cancelled.', cancelled: true });
      else this.post({ type: 'explainResult', slot, requestId, map: outcome.value, cached: false });
    } catch (err) {
      const payload = toErrorPayload(err);
      const cancelled = payload.code === 'cancelled';
      this.post({ type: 'explainError', slot, requestId, message: cancelled ? 'Cancelled.' : payload.message, cancelled });
      if (!cancelled) this.onError(err);
    }
  }

  cancel(slot: unknown): void {
    if (slot === 0 || slot === 1) this.slots[slot].cancel();
  }

  /** Another image or model: what runs belongs to the old one (kept maps stay; their keys name their files). */
  cancelAll(): void {
    this.slots[0].cancel();
    this.slots[1].cancel();
  }

  private remember(key: string, map: AttributionMap): void {
    this.cache.set(key, map);
    while (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
  }
}

/** Same model and image files (by mtime and size: an edited image is another image), settings and options. */
function cacheKey(source: ExplainSource, options: AttributionOptions): string {
  const stamp = (p: string): string => {
    try {
      const s = statSync(p);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return 'missing';
    }
  };
  return JSON.stringify([source.modelPath, stamp(source.modelPath), source.imagePath, stamp(source.imagePath), source.inputSettings ?? null, sortedKeys(options)]);
}

/** The options with keys in a fixed order, so that {a, b} and {b, a} are one cache entry. */
function sortedKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]));
}

/** A first check of the webview's message (the engine checks every field again before it runs). */
function isOptions(value: unknown): value is AttributionOptions {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Partial<AttributionOptions>;
  const target = o.target as { kind?: unknown } | undefined;
  return ATTRIBUTION_METHODS.includes(o.method as AttributionOptions['method']) && typeof target === 'object' && target !== null && (target.kind === 'class' || target.kind === 'unit');
}
