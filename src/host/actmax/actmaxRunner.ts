// Drives actmax runs for the panel: one run with live frames, or a whole layer's atlas in batches; the cache is
// consulted first and filled after. No vscode here: tests drive it with the real engine through EngineClient.
import type { ActmaxFrame, ActmaxRequest, ActmaxResult } from '../../shared/actmax';
import type { ActmaxParams, ActmaxToWebview, ActmaxUiSettings } from '../../shared/actmaxProtocol';
import type { InputSize } from '../../shared/inputSize';
import { actmaxCacheKey, modelStamp, type ActmaxResultCache } from './resultCache';
import { atlasBatches, ATLAS_BATCH, buildActmaxRequest } from './requestBuilder';

/** The one engine call the runner needs (EngineService and EngineClient both fit). */
export interface ActmaxEngine {
  request(
    method: 'actmax',
    params: ActmaxParams,
    options: { signal?: AbortSignal; onProgress?: (frame: ActmaxFrame) => void },
  ): Promise<ActmaxResult>;
}

/** Steps between the progress messages of an atlas batch. */
const ATLAS_FRAME_EVERY = 32;

export interface RunSink {
  post(msg: ActmaxToWebview): void;
  /** Fraction of the whole job done, 0..1, and a short message (the notification mirrors it). */
  progress?(fraction: number, message: string): void;
}

export class ActmaxRunner {
  constructor(
    private readonly engine: ActmaxEngine,
    private readonly cache: Pick<ActmaxResultCache, 'get' | 'put'> | undefined,
  ) {}

  /** One run (one or more units as a batch): frames as they come, then the result; a cached run answers at once. */
  async runSingle(
    runId: number,
    modelPath: string,
    request: ActmaxRequest,
    signal: AbortSignal,
    sink: RunSink,
    inputSize?: InputSize,
  ): Promise<{ result: ActmaxResult; cached: boolean }> {
    const stamp = await modelStamp(modelPath);
    const key = actmaxCacheKey(modelPath, stamp, request, inputSize);
    const hit = await this.cache?.get(key);
    if (hit) {
      sink.post({ type: 'runStarted', runId, layerId: request.layerId, units: request.units, totalSteps: hit.settings.steps });
      sink.post({ type: 'result', runId, result: hit, cached: true });
      return { result: hit, cached: true };
    }
    sink.post({ type: 'runStarted', runId, layerId: request.layerId, units: request.units, totalSteps: request.overrides?.steps ?? 0 });
    const result = await this.engine.request('actmax', { modelPath, request, ...sizeSettings(inputSize) }, {
      signal,
      onProgress: (frame) => {
        sink.post({ type: 'frame', runId, frame });
        sink.progress?.(frame.step / frame.totalSteps, `step ${frame.step} of ${frame.totalSteps}`);
      },
    });
    // The model source also files each unit's picture in the per-unit index (the Top Images panel reads it).
    await this.cache?.put(key, result, { modelPath, stamp }).catch(() => undefined); // a full disk must not lose the result on screen
    sink.post({ type: 'result', runId, result, cached: false });
    return { result, cached: false };
  }

  /**
   * The result of a run as the cache has it, posted as a finished run; nothing when the cache lacks it (the engine is
   * never asked). A panel that comes back after a window reload shows its picture this way.
   */
  async cachedSingle(runId: number, modelPath: string, request: ActmaxRequest, sink: RunSink, inputSize?: InputSize): Promise<ActmaxResult | undefined> {
    const hit = await this.cache?.get(actmaxCacheKey(modelPath, await modelStamp(modelPath), request, inputSize));
    if (!hit) return undefined;
    sink.post({ type: 'runStarted', runId, layerId: request.layerId, units: request.units, totalSteps: hit.settings.steps });
    sink.post({ type: 'result', runId, result: hit, cached: true });
    return hit;
  }

  /**
   * Every channel of a layer, ATLAS_BATCH units per engine request. With `cacheOnly`, only the cached batches are
   * shown and the engine is never asked (an atlas restored after a window reload). Cached batches are sent first, all at once,
   * so reopening an atlas shows what was done before instantly; the rest follow batch by batch.
   */
  async runAtlas(
    runId: number,
    modelPath: string,
    layerId: string,
    channels: number,
    settings: ActmaxUiSettings,
    signal: AbortSignal,
    sink: RunSink,
    options: { cacheOnly?: boolean; inputSize?: InputSize } = {},
  ): Promise<number> {
    const batches = atlasBatches(channels, ATLAS_BATCH);
    sink.post({ type: 'atlasStarted', runId, layerId, channels, batch: ATLAS_BATCH });
    const stamp = await modelStamp(modelPath);
    // Atlas frames are not drawn, only counted for the progress bar: a few per batch keep the IPC traffic low.
    const atlasSettings = { ...settings, frameEvery: ATLAS_FRAME_EVERY };
    const jobs = batches.map((units) => {
      const request = buildActmaxRequest(layerId, units, atlasSettings);
      return { units, request, key: actmaxCacheKey(modelPath, stamp, request, options.inputSize) };
    });
    let done = 0;
    const todo: typeof jobs = [];
    for (const job of jobs) {
      const hit = await this.cache?.get(job.key);
      if (hit) {
        done += job.units.length;
        sink.post(cellsMessage(runId, job.units, hit, true, done, channels));
      } else {
        todo.push(job);
      }
    }
    for (const job of options.cacheOnly ? [] : todo) {
      if (signal.aborted) break;
      const before = done;
      sink.progress?.(before / channels, `units ${job.units[0]}–${job.units[job.units.length - 1]} of ${channels}`);
      const result = await this.engine.request('actmax', { modelPath, request: job.request, ...sizeSettings(options.inputSize) }, {
        signal,
        onProgress: (frame) => {
          sink.post({ type: 'atlasProgress', runId, step: frame.step, totalSteps: frame.totalSteps, done: before, total: channels });
          const within = (job.units.length * frame.step) / frame.totalSteps;
          sink.progress?.((before + within) / channels, `units ${job.units[0]}–${job.units[job.units.length - 1]} of ${channels}: step ${frame.step} of ${frame.totalSteps}`);
        },
      });
      await this.cache?.put(job.key, result, { modelPath, stamp }).catch(() => undefined);
      done += job.units.length;
      sink.post(cellsMessage(runId, job.units, result, false, done, channels));
      sink.progress?.(done / channels, `${done} of ${channels} units`);
    }
    return done;
  }
}

function cellsMessage(runId: number, units: number[], result: ActmaxResult, cached: boolean, done: number, total: number): ActmaxToWebview {
  const objective = result.objectiveHistory.map((h) => (h.length > 0 ? h[h.length - 1] : 0));
  return { type: 'atlasCells', runId, units, images: result.images, width: result.width, height: result.height, objective, cached, done, total };
}

/** The engine's inputSettings for a chosen size; none lets the engine take the sidecar's size or the default. */
function sizeSettings(inputSize: InputSize | undefined): Pick<ActmaxParams, 'inputSettings'> {
  return inputSize ? { inputSettings: { height: inputSize.height, width: inputSize.width } } : {};
}
