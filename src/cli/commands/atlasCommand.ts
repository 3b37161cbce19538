// `layer-lens atlas`: a static site of a model's units (feature visualizations, dataset examples, kernels, links),
// computed unit by unit into SITE/units/ (resumable: Ctrl-C keeps finished units) and then rendered from disk.
import { join } from 'node:path';
import { atlasPlanText } from '../../core/atlas/atlasBatch';
import { atlasGroups, atlasLayers, atlasWorkList, unitsCapNote } from '../../core/atlas/workList';
import type { AtlasSettings } from '../../core/atlas/atlasTypes';
import { modelInputSpec } from '../../core/node/imageFiles';
import { listImageFiles } from '../../core/node/nodeTopk';
import { ACTMAX_PRESETS, type ActmaxPresetName } from '../../shared/actmax';
import { ATLAS_DEFAULTS, ATLAS_LIMITS } from '../../shared/atlasProtocol';
import { LayerLensError } from '../../shared/errors';
import { UNIT_PAGE_LIMITS } from '../../shared/unitProtocol';
import { computeAtlasUnits, isUnitDone } from '../../core/node/atlas/computeAtlasUnits';
import { atlasManifest, writeOrCheckManifest } from '../../core/node/atlas/atlasManifest';
import { progressSink } from '../atlas/progressLine';
import { renderAtlasSite } from '../../core/node/atlas/renderAtlasSite';
import { checkAtlasOutFolder, chooseAtlasBatch } from '../../core/node/atlas/runAtlas';
import { integer, oneOf, parse, plainInteger, required } from '../cliArgs';
import { imageModelOptions, openCliModel } from '../cliModel';
import { checkOutFolder } from '../outputFiles';
import { preprocessSettingsOf, preprocessUsage } from '../preprocessOption';
import { shardOf, shardOption, shardUsage } from '../shardOption';
import { openAtlasShard } from '../shard/atlasShard';
import { finishShard } from '../shard/shardFolders';

export const atlasUsage =
  `layer-lens atlas --model M [--images DIR] [--layers L ...] [--units all|N] [--steps N] [--preset P] [--seeds N] [--diversity N] [--k N] [--batch N] [--input-size H,W] ${preprocessUsage} --out SITE ${shardUsage} [--json]`;

/** --units N: the first N units of each layer; its sentence names 'all' too, the other value it takes. */
function unitsCount(value: unknown): number {
  const n = plainInteger(value);
  const [min, max] = ATLAS_LIMITS.units;
  if (!(n >= min && n <= max)) throw new LayerLensError('badArgument', `--units must be all or an integer from ${min} to ${max}, not ${String(value)}.`);
  return n;
}

export async function atlasCommand(argv: string[]): Promise<void> {
  const values = parse(argv, {
    model: { type: 'string' },
    images: { type: 'string' },
    layers: { type: 'string', multiple: true },
    units: { type: 'string' },
    steps: { type: 'string' },
    preset: { type: 'string' },
    seeds: { type: 'string' },
    diversity: { type: 'string' },
    k: { type: 'string' },
    batch: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    ...shardOption,
    ...imageModelOptions,
  });
  const modelPath = required(values, 'model');
  const outDir = required(values, 'out');
  checkOutFolder(outDir);
  const unitsArg = values.units === undefined || values.units === 'all' ? 'all' : unitsCount(values.units);
  // The engine's bounds for an atlas (steps, batch, units) and for a unit's page (seeds, diversity: an atlas page is
  // that page), so the CLI, Build Atlas… and the Unit panel accept the same values.
  const steps = integer(values.steps, 'steps', ATLAS_DEFAULTS.steps, ...ATLAS_LIMITS.steps);
  const preset = oneOf<ActmaxPresetName>(values.preset, 'preset', ACTMAX_PRESETS, ATLAS_DEFAULTS.preset);
  const seeds = integer(values.seeds, 'seeds', ATLAS_DEFAULTS.seeds, ...UNIT_PAGE_LIMITS.seeds);
  const diversity = integer(values.diversity, 'diversity', ATLAS_DEFAULTS.diversity, ...UNIT_PAGE_LIMITS.diversity);
  if (diversity === 1) throw new LayerLensError('badArgument', '--diversity must be 0 (none) or at least 2 images.');
  const imagesDir = typeof values.images === 'string' ? values.images : undefined;
  // Without images there are no dataset examples: a --k would be dropped without a word.
  if (!imagesDir && values.k !== undefined) throw new LayerLensError('badArgument', `--k counts each unit's dataset examples, which come from --images DIR: give --images too, or leave --k out.`);
  const k = imagesDir ? integer(values.k, 'k', ATLAS_DEFAULTS.k, 1) : 0;
  const askedBatch = values.batch === undefined ? undefined : integer(values.batch, 'batch', 0, ...ATLAS_LIMITS.batch);
  // Bad folders are refused before the model loads or any unit runs.
  const imageCount = imagesDir ? listImageFiles(imagesDir).length : 0;
  if (imagesDir && imageCount === 0) throw new LayerLensError('notFound', `${imagesDir} holds no PNG, JPEG, WebP, GIF or BMP image.`);
  const layerArgs = ((values.layers as string[] | undefined) ?? []).flatMap((l) => l.split(',')).map((l) => l.trim()).filter(Boolean);
  // "--layers ," named no layer and drew every one, as if the option had been left out.
  if (values.layers !== undefined && layerArgs.length === 0) throw new LayerLensError('badArgument', '--layers needs layer ids separated by commas (leave it out for every convolution).');
  // As topk: k above the image count shows every image, and says so before the work.
  if (imagesDir && k > imageCount) process.stderr.write(`atlas: --k ${k} is more than the ${imageCount} image${imageCount === 1 ? '' : 's'} in ${imagesDir}: each unit shows all ${imageCount}.\n`);
  // --shard, or an array job's index (Slurm, Kubernetes, AWS Batch): this process computes one slice into OUT/shard-i-of-n.
  const shard = shardOf(values);
  // As Build Atlas… in VS Code: a site written into a folder of other files would scatter its pages among them.
  if (!shard) checkAtlasOutFolder(outDir);

  const model = await openCliModel(values, modelPath);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const spec = await modelInputSpec(model, preprocessSettingsOf(values));
    const layers = atlasLayers(model.info, layerArgs);
    const work = atlasWorkList(layers, unitsArg);
    const capped = unitsCapNote(layers, unitsArg);
    if (capped) process.stderr.write(`atlas: ${capped}\n`);
    // 8 units at a time on a CPU, up to 32 on a GPU, or an atlas's own when resuming one (its pixels depend on it).
    const batch = chooseAtlasBatch(shard ? undefined : outDir, askedBatch, model, work, spec);
    const settings: AtlasSettings & { preset: ActmaxPresetName } = { preset, steps, seeds, diversity, batch, k, images: imageCount, size: [spec.height, spec.width] };
    let dir = outDir;
    let items = work;
    if (shard) {
      const s = await openAtlasShard({ outDir, shard, modelPath, imagesDir, work, batch, settings: { ...settings, input: spec } });
      if (s.done) return void process.stdout.write(`${s.dir}: shard ${shard.index + 1} of ${shard.count}, finished before (skipped)\n`);
      dir = s.dir;
      items = s.items;
    }
    writeOrCheckManifest(dir, atlasManifest(model.info, work, settings));
    process.stderr.write(`atlas: ${atlasPlanText(atlasGroups(items, batch), batch)}\n`);
    const progress = progressSink(process.stderr, items.filter((i) => isUnitDone(dir, i)).length);
    let stopped: unknown;
    const started = Date.now();
    try {
      const { skippedImages } = await computeAtlasUnits({ model, spec, work }, items, dir, { settings, imagesDir, signal: controller.signal, onProgress: (p) => progress.update(p.done, p.total, p.phase) });
      progress.end();
      for (const s of skippedImages) process.stderr.write(`atlas: skipped an image: ${s.reason}\n`);
    } catch (e) {
      stopped = e;
    } finally {
      progress.end();
    }
    if (shard) {
      if (stopped) throw stopped; // no DONE: a re-run of this shard resumes its units
      finishShard(dir);
      return void process.stdout.write(`${dir}: shard ${shard.index + 1} of ${shard.count}, ${items.length} units\n`);
    }
    // What finished is on disk either way: the site shows it, and a re-run computes only the rest.
    const site = await renderAtlasSite(outDir);
    if (stopped) {
      if (stopped instanceof LayerLensError && stopped.code === 'cancelled') {
        throw new LayerLensError('cancelled', `Stopped: ${site.units} of ${site.units + site.missing} units are written in ${outDir}; run the same command again to compute the rest.`);
      }
      throw stopped;
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ index: site.index, layers: site.layers, units: site.units, missing: site.missing, seconds: (Date.now() - started) / 1000 }, null, 2)}\n`);
    } else {
      process.stdout.write(`${join(outDir, 'index.html')}\n`);
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    model.dispose();
  }
}

