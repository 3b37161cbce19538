// The rows compared across backends (CPU, WebGPU on a real GPU): GoogLeNet → inception4a Lucid actmax step at
// 224 px for 1 unit and for 32 units at once; feature maps of every module in one pass; top-k images/s over a
// folder of 224 px images with decoding on a worker thread, so a fast backend is not starved by PNG decoding;
// the attribution rows (benchBackendAttribution.ts); last the atlas GoogLeNet → inception4a, 512 units × 128
// steps (bench/benchAtlas.ts: run in full on a hardware GPU, estimated from a few steps elsewhere).
// Sizes come from the command line so a 2-core box can measure small and a GPU machine the full 2,000 images.
// Each row is also given to `emit` as a number with its key (the GPU kit's table: scripts/gpuKit/).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { computeActivations } from '../src/core/activations';
import { renderActmax } from '../src/core/actmax';
import { loadModel } from '../src/core/node/loadModelFile';
import { workerBatches } from '../src/core/node/nodeBatchWorker';
import { listImageFiles } from '../src/core/node/nodeTopk';
import { readSidecar } from '../src/core/node/readSidecar';
import { resolveInputSpec } from '../src/core/preprocess/inputSpec';
import { findTopImages } from '../src/core/topk/findTopImages';
import type { BackendStatus } from '../src/shared/backend';
import type { InputSpec } from '../src/shared/model';
import type { LoadedModel } from '../src/core/model/loadedModel';
import { syntheticFolder } from './benchTopk';
import { benchAtlas } from './benchAtlas';
import { benchBackendAttribution } from './benchBackendAttribution';
import type { KeyedRow } from './backendRowTypes';
import { line, medianMs, printedRows } from './timing';

export interface BackendRowSizes {
  /** Actmax steps timed per render (after a 1-step warm-up render). */
  steps: number;
  /** Images in the top-k folder. */
  images: number;
  /** Units of the batched actmax row. */
  units: number;
  /** A folder of images for the top-k row (default: seeded synthetic PNGs of 224 px). */
  imagesDir?: string;
  /** Integrated Gradients' steps (32) and SmoothGrad's samples (25) of the attribution rows. */
  igSteps?: number;
  smoothgradSamples?: number;
  /** The atlas row: all 512 units × 128 steps, an estimate from a few steps of one batch, or none. */
  atlas?: 'full' | 'estimate' | 'skip';
  /** Only these groups of rows (default: all); e.g. a rerun of the atlas alone, or a software adapter's quick run. */
  rows?: BackendRowGroup[];
}

export const BACKEND_ROW_GROUPS = ['featureMaps', 'topk', 'actmax', 'attribution', 'atlas'] as const;
export type BackendRowGroup = (typeof BACKEND_ROW_GROUPS)[number];

const IMAGENET: InputSpec = {
  height: 224, width: 224, channels: 3, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255,
  mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225],
};

/** The backend as a row names it: "webgpu (nvidia hopper)", "webgpu (google swiftshader, software)", "wasm". */
export function rowLabel(status: BackendStatus): string {
  const a = status.adapter;
  return a ? `${status.active} (${[a.vendor, a.architecture].filter(Boolean).join(' ')}${a.software ? ', software' : ''})` : status.active;
}

export async function benchBackendRows(label: string, fixtures: string, sizes: BackendRowSizes, repoRoot: string, emit: (row: KeyedRow) => void = () => {}): Promise<void> {
  const path = join(fixtures, 'googlenet.onnx');
  const googlenet = await loadModel(path);
  const want = (group: BackendRowGroup): boolean => sizes.rows === undefined || sizes.rows.includes(group);
  try {
    // Cheapest first: on a slow (software) adapter the feature-map and top-k rows still come out.
    if (want('featureMaps')) await featureMapsRow(label, googlenet, emit);
    if (want('topk')) await topkRow(label, googlenet, path, sizes, repoRoot, emit);
    if (want('actmax')) await actmaxRows(label, googlenet, sizes, emit);
    if (want('attribution')) await benchBackendAttribution(label, googlenet, { igSteps: sizes.igSteps ?? 32, smoothgradSamples: sizes.smoothgradSamples ?? 25, runs: 3 }, emit);
  } finally {
    googlenet.dispose();
  }
  if (want('atlas') && (sizes.atlas ?? 'estimate') !== 'skip') await atlasRow(label, fixtures, sizes.atlas === 'full', emit);
}

async function featureMapsRow(label: string, googlenet: LoadedModel, emit: (row: KeyedRow) => void): Promise<void> {
  const modules = googlenet.info.layers.filter((l) => l.kind !== 'input').map((l) => l.id);
  const input = tf.randomUniform([1, 224, 224, 3]) as tf.Tensor4D;
  const ms = await medianMs(3, async () => {
    const maps = await computeActivations(googlenet, input, modules);
    if (maps.length !== modules.length) throw new Error(`${maps.length} of ${modules.length} feature maps came back`);
  });
  input.dispose();
  line(`[${label}] feature maps googlenet, all ${modules.length} modules, one pass`, `${ms.toFixed(1)} ms`);
  emit({ key: 'featureMaps.all', value: ms, unit: 'ms', note: `${modules.length} modules` });
}

async function topkRow(label: string, googlenet: LoadedModel, path: string, sizes: BackendRowSizes, repoRoot: string, emit: (row: KeyedRow) => void): Promise<void> {
  const files = listImageFiles(sizes.imagesDir ?? syntheticFolder(sizes.images, 224)).slice(0, sizes.images);
  const spec = resolveInputSpec(googlenet.info, await readSidecar(path));
  // The bundled worker (npm run bench builds first), else the source one through tsx.
  const dist = join(repoRoot, 'dist');
  const batches = (existsSync(join(dist, 'topkWorker.js')) ? workerBatches(dist) : undefined) ?? workerBatches();
  if (!batches) throw new Error('no top-k decode worker script was found (run npm run build)');
  const run = async (): Promise<{ ms: number; batch: number }> => {
    const t0 = performance.now();
    const result = await findTopImages(googlenet, 'inception4a', files, spec, { k: 9, batches });
    if (result.imageCount !== files.length) throw new Error(`${result.imageCount} of ${files.length} images were scored`);
    return { ms: performance.now() - t0, batch: result.batchSize };
  };
  await run();
  const warm = await run();
  const perSecond = files.length / (warm.ms / 1000);
  line(`[${label}] top-9 googlenet → inception4a, ${files.length} images, decode on a worker`, `${perSecond.toFixed(perSecond >= 100 ? 0 : 1)} img/s (batch ${warm.batch}, ${(warm.ms / 1000).toFixed(1)} s)`);
  emit({ key: 'topk.imagesPerSecond', value: perSecond, unit: 'img/s', note: `${files.length} images, batch ${warm.batch}` });
}

async function actmaxRows(label: string, googlenet: LoadedModel, sizes: BackendRowSizes, emit: (row: KeyedRow) => void): Promise<void> {
  for (const n of [1, sizes.units]) {
    const units = Array.from({ length: n }, (_, i) => i);
    const render = (steps: number) => renderActmax(googlenet, { layerId: 'inception4a', units, preset: 'lucid', inputSpec: IMAGENET, overrides: { steps } });
    await render(1);
    const r = await render(sizes.steps);
    line(`[${label}] actmax googlenet → inception4a, lucid, 224 px, ${n} unit${n === 1 ? '' : 's'} at once`, `${r.msPerStep.toFixed(1)} ms/step (${sizes.steps} steps)`);
    emit({ key: n === 1 ? 'actmax.1' : 'actmax.N', value: r.msPerStep, unit: 'ms/step', note: `${n} unit${n === 1 ? '' : 's'}, ${sizes.steps} steps` });
  }
}

/** benchAtlas's GoogLeNet rows (no sample-model rows), read back from the lines it prints. */
async function atlasRow(label: string, fixtures: string, full: boolean, emit: (row: KeyedRow) => void): Promise<void> {
  const before = printedRows.length;
  const was = process.env.LAYER_LENS_BENCH_ATLAS_FULL;
  process.env.LAYER_LENS_BENCH_ATLAS_FULL = full ? '1' : '0';
  try {
    await benchAtlas(label, fixtures, undefined);
  } finally {
    if (was === undefined) delete process.env.LAYER_LENS_BENCH_ATLAS_FULL;
    else process.env.LAYER_LENS_BENCH_ATLAS_FULL = was;
  }
  const rows = printedRows.slice(before);
  const batching = rows.find((r) => r.label.includes('32 units vs 1'))?.value ?? '';
  const atlas = rows.find((r) => r.label.includes('512 units'))?.value ?? '';
  const minutes = Number(/([\d.]+) min/.exec(atlas)?.[1]);
  const value = full && Number.isFinite(minutes) ? minutes * 60 : null;
  emit({ key: 'atlas.inception4a', value, unit: 's', note: `${full ? '512 units × 128 steps, run in full' : `not run in full: ${atlas}`}; batching ${batching}` });
}
