// "Build Atlas" in the engine: `layer-lens atlas`'s work (core/node/atlas/runAtlas.ts) on the model the cache
// holds, in the compute lane, so feature-map requests still answer between its steps. A cancel is not a failure
// here: the units that finished stay on disk, the site is rendered with them, and the result says the run stopped,
// so the host can tell how many were kept and that running again resumes.
import { resolve } from 'node:path';
import { modelInputSpec } from '../../core/node/imageFiles';
import { checkAtlasOutFolder, runAtlas } from '../../core/node/atlas/runAtlas';
import { ATLAS_DEFAULTS, type AtlasRunParams, type AtlasRunProgress, type AtlasRunResult } from '../../shared/atlasProtocol';
import type { ModelCache } from '../modelCache';

const STEP_REPORT_MS = 250;

export interface AtlasHandlerOptions {
  signal?: AbortSignal;
  onProgress?: (p: AtlasRunProgress) => void;
}

export async function atlasRunHandler(models: Pick<ModelCache, 'get'>, params: AtlasRunParams, options: AtlasHandlerOptions = {}): Promise<AtlasRunResult> {
  // A folder that cannot hold the site is refused before the model is loaded.
  checkAtlasOutFolder(params.outDir);
  const model = await models.get(params.modelPath);
  const size = params.inputSize;
  const spec = await modelInputSpec(model, size ? { height: size[0], width: size[1] } : undefined);
  let last: AtlasRunProgress = { done: 0, total: 0, phase: 'starting' };
  let sentAt = 0;
  let batch: number | undefined;
  const run = await runAtlas(
    model,
    spec,
    {
      outDir: params.outDir,
      imagesDir: params.imagesDir,
      layers: params.layers,
      units: params.units ?? 'all',
      preset: params.preset ?? ATLAS_DEFAULTS.preset,
      steps: params.steps ?? ATLAS_DEFAULTS.steps,
      seeds: ATLAS_DEFAULTS.seeds,
      diversity: ATLAS_DEFAULTS.diversity,
      k: ATLAS_DEFAULTS.k,
      batch: params.batch,
    },
    {
      signal: options.signal,
      onPlan: (plan) => {
        batch = plan.batch;
      },
      onProgress: (p) => {
        last = { ...p, ...(batch ? { batch } : {}) };
        options.onProgress?.(last);
      },
      // Every actmax step moves the share; a message every STEP_REPORT_MS is enough for an ETA.
      onStep: (share) => {
        const now = Date.now();
        if (now - sentAt < STEP_REPORT_MS) return;
        sentAt = now;
        options.onProgress?.({ ...last, share });
      },
    },
  );
  return { indexPath: resolve(run.site.index), computed: run.computed, skipped: run.skipped, written: run.written, total: run.total, stopped: run.stopped, batch: run.batch };
}
