// A whole atlas on one machine: the output folder checked, the manifest written (or checked, to resume), the units
// computed, then the site rendered from disk (pausing between pages) — also after a cancel, so the site shows every
// finished unit and a later run computes only the rest. The engine's `atlas.run` is this; the CLI runs the same
// phases with its shards.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { atlasBatchSize, atlasPlanText } from '../../atlas/atlasBatch';
import { atlasGroups, atlasLayers, atlasWorkList, type AtlasItem } from '../../atlas/workList';
import type { AtlasSettings } from '../../atlas/atlasTypes';
import { checkAtlasBatchFits } from '../../actmax/memoryFit';
import type { LoadedModel } from '../../model/loadedModel';
import type { ActmaxPresetName } from '../../../shared/actmax';
import type { AtlasRunResult } from '../../../shared/atlasProtocol';
import { LayerLensError } from '../../../shared/errors';
import type { InputSpec } from '../../../shared/model';
import { listImageFilesAsync } from '../nodeTopk';
import { atlasManifest, existingAtlasBatch, MANIFEST_FILE, writeOrCheckManifest } from './atlasManifest';
import { computeAtlasUnits, isUnitDone } from './computeAtlasUnits';
import { renderAtlasSite, type AtlasSiteSummary } from './renderAtlasSite';

export interface AtlasRequest {
  outDir: string;
  imagesDir?: string;
  /** Layer ids; empty or absent: every conv / module output. */
  layers?: readonly string[];
  units: 'all' | number;
  preset: ActmaxPresetName;
  steps: number;
  seeds: number;
  diversity: number;
  /** Dataset examples per unit (used only with imagesDir). */
  k: number;
  /** Units per actmax batch; default: the atlas's own when resuming one, else the backend's (atlasBatch.ts). */
  batch?: number;
}

export interface AtlasRunOptions {
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; phase: string }) => void;
  /** Share (0..1) of the units left at the start computed so far, at every actmax step. */
  onStep?: (share: number) => void;
  /** Once, before any unit: the batch chosen and the plan in words ("48 units of 2 layers, 6 batches of 8 …"). */
  onPlan?: (plan: { batch: number; text: string }) => void;
  /** How long the render after a cancel may take (default RENDER_AFTER_CANCEL_MS). */
  renderAfterCancelMs?: number;
}

/**
 * The render after a cancel is bounded: the host stops an engine that has not answered a cancel within 3 s
 * (src/host/engine/engineClient.ts), and a site of thousands of units takes longer to write than that. Stopped in
 * time, the engine answers with the units kept and lives on; the site is whole again after the next run.
 */
export const RENDER_AFTER_CANCEL_MS = 2000;

/** atlas.run's answer (the counts, whether it stopped, the batch), with the site's summary for its index path. */
export type AtlasRunSummary = Omit<AtlasRunResult, 'indexPath'> & { site: AtlasSiteSummary };

/**
 * Refuses, in one sentence and before any work, an output folder that is a file or that holds other things than
 * an atlas: writing a site into it would scatter pages among the user's files.
 */
export function checkAtlasOutFolder(outDir: string): void {
  let entries: string[];
  try {
    if (!statSync(outDir).isDirectory()) throw new LayerLensError('badArgument', `${outDir} is a file, not a folder for an atlas.`);
    entries = readdirSync(outDir);
  } catch (e) {
    if (e instanceof LayerLensError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // made when the first file is written
    if (code === 'ENOTDIR') throw new LayerLensError('badArgument', `${outDir} lies under a file, not a folder.`);
    throw new LayerLensError('badArgument', `${outDir} could not be read (${code ?? 'error'}).`);
  }
  if (entries.length > 0 && !entries.includes(MANIFEST_FILE)) {
    throw new LayerLensError('badArgument', `${outDir} is not empty and holds no atlas: choose an empty folder or a previous atlas of this model.`);
  }
}

/** The settings the manifest records, from the request, the input spec, the images listed and the batch chosen. */
export function atlasSettingsOf(spec: InputSpec, req: AtlasRequest, imageCount: number, batch: number): AtlasSettings & { preset: ActmaxPresetName } {
  const k = req.imagesDir ? req.k : 0;
  return { preset: req.preset, steps: req.steps, seeds: req.seeds, diversity: req.diversity, batch, k, images: imageCount, size: [spec.height, spec.width] };
}

/**
 * The batch of an atlas: the one asked for; else, when `outDir` holds an atlas to resume, its batch (a unit's pixels
 * depend on it, so a resumed run must not mix two); else the backend's for the work list's layers.
 */
export function chooseAtlasBatch(outDir: string | undefined, asked: number | undefined, model: LoadedModel, work: readonly AtlasItem[], spec: InputSpec): number {
  const batch = asked ?? (outDir === undefined ? undefined : existingAtlasBatch(outDir)) ?? atlasBatchSize(model, [...new Set(work.map((i) => i.layerId))], spec);
  // Before the manifest: a batch past the wasm heap leaves the folder as it was.
  checkAtlasBatchFits(model, work, batch, spec);
  return batch;
}

export async function runAtlas(model: LoadedModel, spec: InputSpec, req: AtlasRequest, options: AtlasRunOptions = {}): Promise<AtlasRunSummary> {
  const outDir = resolve(req.outDir);
  checkAtlasOutFolder(outDir);
  if (req.diversity === 1) throw new LayerLensError('badArgument', 'An atlas\'s diversity batch must be 0 (none) or at least 2 images.');
  const work = atlasWorkList(atlasLayers(model.info, req.layers ?? []), req.units);
  const before = work.filter((i) => isUnitDone(outDir, i)).length;
  // Listed without blocking: in the engine, panels answer and a cancel is read while a large folder is walked.
  const imageFiles = req.imagesDir
    ? await listImageFilesAsync(req.imagesDir, { signal: options.signal, onCount: (n) => options.onProgress?.({ done: before, total: work.length, phase: `listing: ${n} images` }) })
    : [];
  const imageCount = imageFiles.length;
  if (req.imagesDir && imageCount === 0) throw new LayerLensError('notFound', `${req.imagesDir} holds no PNG, JPEG, WebP, GIF or BMP image.`);
  const batch = chooseAtlasBatch(outDir, req.batch, model, work, spec);
  const settings = atlasSettingsOf(spec, req, imageCount, batch);
  writeOrCheckManifest(outDir, atlasManifest(model.info, work, settings));
  options.onPlan?.({ batch, text: atlasPlanText(atlasGroups(work, batch), batch) });
  let stopped = false;
  try {
    await computeAtlasUnits({ model, spec, work }, work, outDir, { settings, imagesDir: req.imagesDir, imageFiles, signal: options.signal, onProgress: options.onProgress, onStep: options.onStep });
  } catch (e) {
    if (!(e instanceof LayerLensError && e.code === 'cancelled')) throw e;
    stopped = true;
  }
  const written = work.filter((i) => isUnitDone(outDir, i)).length;
  let site: AtlasSiteSummary;
  try {
    // After a cancel the render still runs (the site shows what finished), for at most renderAfterCancelMs;
    // otherwise a cancel read during the render stops it there. Either way every unit is kept: the next run renders
    // the site again and computes only what is missing.
    site = await renderAtlasSite(outDir, {
      signal: stopped ? AbortSignal.timeout(options.renderAfterCancelMs ?? RENDER_AFTER_CANCEL_MS) : options.signal,
      onPages: (done, total) => options.onProgress?.({ done: written, total: work.length, phase: `site: ${done} of ${total} pages` }),
    });
  } catch (e) {
    if (!(e instanceof LayerLensError && e.code === 'cancelled')) throw e;
    stopped = true;
    site = { index: join(outDir, 'index.html'), layers: new Set(work.map((i) => i.layerId)).size, units: written, missing: work.length - written };
  }
  return { site, computed: written - before, skipped: before, written, total: work.length, stopped, batch };
}
