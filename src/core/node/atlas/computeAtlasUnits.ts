// Phase 1 of an atlas: compute units and write each one's folder, units/<layer>/<unit>/ (PNGs, then unit.json
// last, every file atomically), skipping units whose unit.json exists — so Ctrl-C keeps what finished and a re-run
// resumes. Batches are the work list's fixed groups of the atlas's batch size (core/atlas/workList.ts) whichever
// subset is asked for, so a unit's bytes are the same in a whole run, a resumed one, or any shard. Nothing written
// depends on time or machine.
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { renderActmax } from '../../actmax/render';
import { ATLAS_GROUP_SIZE, atlasGroups, layerSlug, type AtlasItem } from '../../atlas/workList';
import { atlasTopk, atlasTopkBatchSize, type AtlasTopkResult, type ChannelStats } from '../../atlas/atlasTopk';
import { round6, type AtlasSettings, type UnitRecord } from '../../atlas/atlasTypes';
import { unitActivations, QUALITY_DRAWS } from '../../atlas/unitQuality';
import { strongestInputs } from '../../atlas/strongestInputs';
import { encodePng } from '../../image/encodePng';
import { kernelTiles } from '../../kernels/kernelTiles';
import type { LoadedModel } from '../../model/loadedModel';
import type { RgbaImage } from '../../preprocess/display';
import { listImageFiles } from '../nodeTopk';
import { MAX_IMAGE_FILE_BYTES, readRegularFile } from '../regularFile';
import { channelRow, loadDisplayImages, rowLayout } from '../../topk/topkPictures';
import type { TopkFile } from '../../topk/findTopImages';
import type { ActmaxObjectiveSpec, ActmaxPresetName } from '../../../shared/actmax';
import { LayerLensError } from '../../../shared/errors';
import type { InputSpec } from '../../../shared/model';
import type { SkippedFile, TopkResult } from '../../../shared/topk';
import { writeFileAtomic } from '../writeFileAtomic';

export interface AtlasContext {
  model: LoadedModel;
  spec: InputSpec;
  /** The full work list (every shard's): batches and top-k batch size are cut from it. */
  work: readonly AtlasItem[];
}

export interface AtlasComputeOptions {
  /** The atlas's settings; `batch` (units per actmax batch) defaults to ATLAS_GROUP_SIZE. */
  settings: Omit<AtlasSettings, 'batch'> & { preset: ActmaxPresetName; batch?: number };
  /** Dataset folder for top-k, or none. */
  imagesDir?: string;
  /** The folder's image files when the caller listed them already (a large folder is listed once). */
  imageFiles?: readonly TopkFile[];
  signal?: AbortSignal;
  /** Called after each batch with the units finished so far (skipped ones included) of `total`. */
  onProgress?: (p: { done: number; total: number; phase: string }) => void;
  /**
   * Called at every actmax step with the share (0..1) of this call's pending units done, counting a batch's seeds and
   * diversity runs as they go: a finer clock than onProgress for an ETA.
   */
  onStep?: (share: number) => void;
}

/** Strongest inputs listed on a unit page. */
const INPUTS_SHOWN = 8;
/**
 * The diversity term's weight as a share of the unit's own objective (seed 0's final channel mean): Lucid's fixed 1e2
 * suits InceptionV1's large channel values, but on the sample model (channel means near 1) it drowned the objective
 * and left 3 of 4 images flat grey. Scaled, a Gram similarity of 1 costs about as much as the objective.
 */
const DIVERSITY_SHARE = 1;

export function unitDir(outDir: string, item: AtlasItem): string {
  return join(outDir, 'units', layerSlug(item.layerId), String(item.unit));
}

export function isUnitDone(outDir: string, item: AtlasItem): boolean {
  return existsSync(join(unitDir(outDir, item), 'unit.json'));
}

export async function computeAtlasUnits(ctx: AtlasContext, items: readonly AtlasItem[], outDir: string, opts: AtlasComputeOptions): Promise<{ computed: number; skipped: number; skippedImages: SkippedFile[] }> {
  const { model, spec } = ctx;
  const wanted = new Set(items.map(key));
  const pending = items.filter((i) => !isUnitDone(outDir, i));
  const total = items.length;
  let done = total - pending.length;
  if (pending.length === 0) return { computed: 0, skipped: done, skippedImages: [] };
  opts.onProgress?.({ done, total, phase: 'starting' });

  const pendingLayers = [...new Set(pending.map((i) => i.layerId))];
  let topk: AtlasTopkResult | undefined;
  let topkRoot = '';
  if (opts.imagesDir && opts.settings.k > 0) {
    topkRoot = opts.imagesDir;
    const files = opts.imageFiles ?? listImageFiles(opts.imagesDir);
    if (files.length === 0) throw new LayerLensError('notFound', `${opts.imagesDir} holds no PNG, JPEG, WebP, GIF or BMP image.`);
    const allLayers = [...new Set(ctx.work.map((i) => i.layerId))];
    topk = await atlasTopk(model, pendingLayers, files, spec, {
      k: opts.settings.k,
      batchSize: atlasTopkBatchSize(model, allLayers, spec),
      signal: opts.signal,
      onProgress: (p) => opts.onProgress?.({ done, total, phase: `top-k: ${p.done} of ${p.total} images` }),
    });
    if (topk.imageCount === 0) throw new LayerLensError('notAnImage', `None of the ${files.length} images in ${opts.imagesDir} could be read.`);
  }
  const pictures = topk ? await loadDisplayImages({ top: [...topk.layers.values()].flatMap((l) => l.result.top) } as TopkResult, (f) => readRegularFile(f, MAX_IMAGE_FILE_BYTES), spec) : new Map();

  const pendingKeys = new Set(pending.map(key));
  for (const group of atlasGroups(ctx.work, opts.settings.batch ?? ATLAS_GROUP_SIZE)) {
    const mine = group.units.filter((u) => pendingKeys.has(key({ layerId: group.layerId, unit: u })) && wanted.has(key({ layerId: group.layerId, unit: u })));
    if (mine.length === 0) continue;
    const finished = done - (total - pending.length);
    const onShare = (share: number): void => opts.onStep?.((finished + share * mine.length) / pending.length);
    const records = await computeGroup(ctx, group.layerId, group.units, mine, opts, topk?.layers.get(group.layerId), onShare);
    for (const record of records) {
      if (!mine.includes(record.unit)) continue;
      writeUnit(outDir, record, topk?.layers.get(group.layerId)?.result, pictures, topkRoot);
      done++;
    }
    opts.onProgress?.({ done, total, phase: `${group.layerId} units ${group.units[0]}–${group.units[group.units.length - 1]}` });
  }
  return { computed: pending.length, skipped: total - pending.length, skippedImages: topk?.skipped ?? [] };
}

function key(i: AtlasItem): string {
  return `${i.layerId}\u0000${i.unit}`;
}

type GroupRecord = UnitRecord & { files: Map<string, Uint8Array> };

/**
 * A whole group's actmax (every seed: batched, so the group is computed whole), the diversity batches of the units to
 * write (one batch per unit, independent of the others), quality and kernel; files kept in memory until written.
 */
async function computeGroup(
  ctx: AtlasContext,
  layerId: string,
  units: number[],
  toWrite: readonly number[],
  opts: AtlasComputeOptions,
  layerTopk: { result: TopkResult; stats: ChannelStats } | undefined,
  onShare: (share: number) => void,
): Promise<GroupRecord[]> {
  const { model, spec } = ctx;
  const { settings } = opts;
  // The group's actmax runs (one per seed, one per written unit's diversity batch), each `steps` long.
  const runs = settings.seeds + (settings.diversity > 1 ? toWrite.length : 0);
  let run = 0;
  const onProgress = (p: { done: number; total: number }): void => onShare((run + p.done / Math.max(1, p.total)) / runs);
  const base = { layerId, preset: settings.preset, inputSpec: spec };
  const records: GroupRecord[] = units.map((unit) => ({
    layerId, unit, actmax: [], diversity: [], quality: { activation: 0, transformed: 0, draws: QUALITY_DRAWS, top1: null },
    topPicture: null, top: [], stats: null, kernel: null, inputs: null, files: new Map(),
  }));
  const objectives = units.map(() => 0);
  for (let seed = 0; seed < settings.seeds; seed++) {
    const result = await renderActmax(model, { ...base, units, overrides: { steps: settings.steps, seed } }, { signal: opts.signal, onProgress });
    run++;
    if (seed === 0) result.objectiveHistory.forEach((h, i) => (objectives[i] = h[h.length - 1] ?? 0));
    const acts = await unitActivations(model, layerId, units, result.images, result.width, result.height, spec);
    result.images.forEach((rgba, i) => {
      const r = records[i]!;
      const file = `actmax-${seed}.png`;
      r.files.set(file, encodePng(rgba, result.width, result.height));
      r.actmax.push({ file, seed, activation: round6(acts.plain[i]!) });
      if (seed === 0) r.quality = { activation: round6(acts.plain[i]!), transformed: round6(acts.transformed[i]!), draws: QUALITY_DRAWS, top1: null };
    });
  }
  if (settings.diversity > 1) {
    for (const [i, r] of records.entries()) {
      if (!toWrite.includes(r.unit)) continue;
      const weight = DIVERSITY_SHARE * Math.max(1e-3, Math.abs(objectives[i]!));
      const objective: ActmaxObjectiveSpec = { kind: 'sum', terms: [{ weight: 1, objective: { kind: 'channel' } }, { weight, objective: { kind: 'diversity' } }] };
      const result = await renderActmax(model, { ...base, units: Array(settings.diversity).fill(r.unit), objective, overrides: { steps: settings.steps, seed: 0 } }, { signal: opts.signal, onProgress });
      run++;
      result.images.forEach((rgba, i) => {
        const file = `diversity-${i}.png`;
        r.files.set(file, encodePng(rgba, result.width, result.height));
        r.diversity.push(file);
      });
    }
  }
  await addKernel(model, layerId, records);
  if (layerTopk) {
    const { result, stats } = layerTopk;
    for (const r of records) {
      const best = result.top[r.unit]?.[0];
      r.quality.top1 = best ? round6(best.value) : null;
      const n = result.imageCount;
      r.stats = n > 0 ? { mean: round6((stats.meanSum[r.unit] ?? 0) / n), max: round6(stats.max[r.unit] ?? 0), firing: round6((stats.firing[r.unit] ?? 0) / n), images: n } : null;
    }
  }
  return records;
}

/** Kernel tile (first layers: 1 or 3 input channels) and strongest inputs (any conv) of each unit. */
async function addKernel(model: LoadedModel, layerId: string, records: GroupRecord[]): Promise<void> {
  const layer = model.info.layers.find((l) => l.id === layerId);
  if (!layer?.kernelShape || layer.kernelShape.length !== 4 || layer.kind !== 'conv') return;
  const tensor = model.kernel(layerId);
  if (!tensor) return;
  const shape = tensor.shape.slice();
  // Asynchronous: on a GPU backend a kernel the model computed (a transposed ONNX filter) has no synchronous read.
  const data = Float32Array.from(await tensor.data());
  tensor.dispose();
  const [kh, kw, ci] = shape as [number, number, number, number];
  const inputLayer = previousLayerWithChannels(model, layerId, ci);
  const tiles = ci <= 3 ? kernelTiles(data, shape, { mode: 'auto', normalize: 'filter' }, model.info.name) : undefined;
  for (const r of records) {
    r.inputs = { layerId: inputLayer, units: strongestInputs(data, shape, r.unit, INPUTS_SHOWN).map((s) => ({ unit: s.unit, weight: round6(s.weight) })) };
    if (tiles) {
      const scale = Math.max(1, Math.round(48 / Math.max(kh, kw)));
      const tile = tiles.tiles.subarray(r.unit * kh * kw * 4, (r.unit + 1) * kh * kw * 4);
      r.files.set('kernel.png', encodePng(upscale(tile, kw, kh, scale), kw * scale, kh * scale));
      r.kernel = 'kernel.png';
    }
  }
}

/** The nearest layer before `layerId` with `channels` channels and a spatial output: what the conv reads, in a chain. */
function previousLayerWithChannels(model: LoadedModel, layerId: string, channels: number): string | null {
  const layers = model.info.layers;
  const at = layers.findIndex((l) => l.id === layerId);
  for (let i = at - 1; i >= 0; i--) {
    const l = layers[i]!;
    if (l.kind === 'input') return null;
    if (l.outputShape.length === 4 && l.outputShape[3] === channels && (l.kind === 'conv' || l.kind === 'depthwiseConv' || l.kind === 'module')) return l.id;
  }
  return null;
}

function upscale(rgba: Uint8ClampedArray, w: number, h: number, s: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(w * s * h * s * 4);
  for (let y = 0; y < h * s; y++) {
    for (let x = 0; x < w * s; x++) {
      const src = (Math.floor(y / s) * w + Math.floor(x / s)) * 4;
      out.set(rgba.subarray(src, src + 4), (y * w * s + x) * 4);
    }
  }
  return out;
}

/** Every file of the unit, then unit.json: the unit counts as done only once all of it is there. */
function writeUnit(outDir: string, record: GroupRecord, layerTopk: TopkResult | undefined, pictures: Map<string, RgbaImage>, imagesRoot: string): void {
  const dir = unitDir(outDir, record);
  const { files, ...plain } = record;
  const entries = layerTopk?.top[record.unit] ?? [];
  if (layerTopk && entries.length > 0) {
    // Slots for the images there are: --k 100000 over a small folder sized the row for 100,000 pictures.
    const slots = Math.max(1, Math.min(layerTopk.k, layerTopk.imageCount));
    const row = channelRow(entries, slots, pictures, rowLayout(layerTopk, 56));
    files.set('top.png', encodePng(row.rgba, row.width, row.height));
    plain.topPicture = 'top.png';
    plain.top = entries.map((e) => ({ file: relative(imagesRoot, e.file).split(sep).join('/'), value: round6(e.value), x: e.x, y: e.y }));
  }
  for (const [name, bytes] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) writeFileAtomic(join(dir, name), bytes);
  writeFileAtomic(join(dir, 'unit.json'), `${JSON.stringify(plain, null, 1)}\n`);
}
