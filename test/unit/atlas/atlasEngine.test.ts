// The engine's atlas.run on the sample model, in-process: its params are refused in one sentence naming the field,
// a folder that cannot hold the site is refused before the model loads, a run writes the site and says what it
// computed, and a run cancelled after its first batch keeps those units, renders them, and is resumed by the next
// run into a site byte for byte equal to an uninterrupted one.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { sampleModelDir } from '../../helpers/paths';
import { tempFolder, writeDigits } from '../topk/topkFixtures';
import { writeAnySizeGraph } from '../../helpers/anySizeGraph';
import { rejects } from '../engine/rejectsParams';
import { validateParams } from '../../../src/engine/validateParams';
import { atlasRunHandler } from '../../../src/engine/handlers/atlas';
import { loadModel } from '../../../src/core/node/loadModelFile';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import type { AtlasRunParams, AtlasRunProgress } from '../../../src/shared/atlasProtocol';
import { LayerLensError } from '../../../src/shared/errors';

const MODEL = join(sampleModelDir, 'model.json');
const root = tempFolder('layer-lens-atlas-engine-');
/** Two units of conv1 and conv2 (two batches), 8 steps: a few seconds a run. */
const small = (outDir: string): AtlasRunParams => ({ modelPath: MODEL, outDir, units: 2, steps: 8 });

let loaded: LoadedModel | undefined;
let loads = 0;
const models = {
  get: async (path: string): Promise<LoadedModel> => {
    loads++;
    loaded ??= await loadModel(path);
    return loaded;
  },
};

after(() => loaded?.dispose());

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

test('atlas.run params: what the command sends passes, the rest is one sentence naming the field', () => {
  validateParams('atlas.run', { modelPath: '/m/model.json', outDir: '/o', imagesDir: '/d', layers: ['conv1'], units: 'all', steps: 16, preset: 'lucid' });
  validateParams('atlas.run', { modelPath: '/m/model.json', outDir: '/o', units: 3 });
  rejects('atlas.run', { modelPath: '/m/model.json' }, /^atlas\.run: params\.outDir must be a string\.$/);
  rejects('atlas.run', { modelPath: '', outDir: '/o' }, /^atlas\.run: params\.modelPath is empty\.$/);
  rejects('atlas.run', { modelPath: '/m', outDir: '/o', units: 'some' }, /^atlas\.run: params\.units must be "all" or a whole number of units per layer\.$/);
  rejects('atlas.run', { modelPath: '/m', outDir: '/o', units: 0 }, /^atlas\.run: params\.units must be from 1 to \d+ \(got 0\)\.$/);
  rejects('atlas.run', { modelPath: '/m', outDir: '/o', steps: 1e6 }, /^atlas\.run: params\.steps must be from 1 to 4096 \(got 1000000\)\.$/);
  rejects('atlas.run', { modelPath: '/m', outDir: '/o', steps: 2.5 }, /^atlas\.run: params\.steps must be a whole number\.$/);
  rejects('atlas.run', { modelPath: '/m', outDir: '/o', batch: 0 }, /^atlas\.run: params\.batch must be from 1 to 256 \(got 0\)\.$/);
  rejects('atlas.run', { modelPath: '/m', outDir: '/o', preset: 'best' }, /^atlas\.run: params\.preset must be one of .*lucid/);
  rejects('atlas.run', { modelPath: '/m', outDir: '/o', layers: 'conv1' }, /^atlas\.run: params\.layers must be a list\.$/);
  rejects('atlas.run', { modelPath: '/m', outDir: '/o', layers: [3] }, /^atlas\.run: params\.layers\[0\] must be a string\.$/);
  rejects('atlas.run', { modelPath: '/m', outDir: '/o', imagesDir: '' }, /^atlas\.run: params\.imagesDir is empty\.$/);
  rejects('atlas.run', { modelPath: '/m', outDir: '/o', inputSize: [4, 32] }, /^atlas\.run: params\.inputSize\[0\] must be from 8 to 1024 \(got 4\)\.$/);
  rejects('atlas.run', { modelPath: '/m', outDir: '/o', inputSize: [32] }, /^atlas\.run: params\.inputSize must have 2 entries \(has 1\)\.$/);
});

test('a folder that is not empty and holds no atlas, or a file, is refused before the model loads', async () => {
  const busy = join(root, 'busy');
  mkdirSync(busy);
  writeFileSync(join(busy, 'notes.txt'), 'mine');
  await assert.rejects(atlasRunHandler(models, small(busy)), (e: unknown) => e instanceof LayerLensError && e.code === 'badArgument' && e.message === `${busy} is not empty and holds no atlas: choose an empty folder or a previous atlas of this model.`);
  await assert.rejects(atlasRunHandler(models, small(join(busy, 'notes.txt'))), /notes\.txt is a file, not a folder for an atlas\./);
  assert.equal(loads, 0);
  assert.deepEqual(readdirSync(busy), ['notes.txt']);
});

test('a run writes the site; a run cancelled after its first batch keeps it and a re-run completes it byte for byte', async () => {
  await useBackend('wasm');
  const whole = join(root, 'whole');
  const progress: AtlasRunProgress[] = [];
  const a = await atlasRunHandler(models, small(whole), { onProgress: (p) => progress.push(p) });
  // The sample model's units are small: 32 at a time on wasm too.
  assert.deepEqual({ ...a }, { indexPath: join(whole, 'index.html'), computed: 4, skipped: 0, written: 4, total: 4, stopped: false, batch: 32 });
  assert.equal(progress.find((p) => p.phase === 'starting')?.batch, 32, 'the progress says the batch');
  for (const f of ['index.html', 'atlas.json', 'layer/conv1.html', 'layer/conv2.html', 'unit/conv1/1.html', 'unit/conv2/1.html', 'units/conv2/1/actmax-1.png', 'units/conv2/1/diversity-3.png']) {
    assert.ok(existsSync(join(whole, f)), f);
  }
  const atlas = JSON.parse(readFileSync(join(whole, 'atlas.json'), 'utf8')) as { settings: Record<string, unknown>; layers: { id: string; units: unknown[]; missing: number[] }[] };
  assert.deepEqual(atlas.settings, { preset: 'lucid', steps: 8, seeds: 2, diversity: 4, batch: 32, k: 0, images: 0, size: [28, 28] });
  assert.deepEqual(atlas.layers.map((l) => [l.id, l.units.length, l.missing.length]), [['conv1', 2, 0], ['conv2', 2, 0]]);
  // Units after each batch (2, then 4 of 4), and a share for the ETA in between that only grows.
  // (The render's pages, reported when it pauses, come last.)
  assert.deepEqual(progress.filter((p) => p.share === undefined && p.phase !== 'starting' && !p.phase.startsWith('site: ')).map((p) => `${p.done}/${p.total}`), ['2/4', '4/4']);
  const shares = progress.flatMap((p) => (p.share === undefined ? [] : [p.share]));
  assert.ok(shares.every((s, i) => s > 0 && s <= 1 && (i === 0 || s >= shares[i - 1]!)), `shares: ${shares.join(', ')}`);

  const resumed = join(root, 'resumed');
  const controller = new AbortController();
  const b = await atlasRunHandler(models, small(resumed), {
    signal: controller.signal,
    onProgress: (p) => p.done === 2 && p.share === undefined && controller.abort(),
  });
  assert.deepEqual({ ...b }, { indexPath: join(resumed, 'index.html'), computed: 2, skipped: 0, written: 2, total: 4, stopped: true, batch: 32 });
  const partial = JSON.parse(readFileSync(join(resumed, 'atlas.json'), 'utf8')) as typeof atlas;
  assert.deepEqual(partial.layers.map((l) => [l.id, l.units.length, l.missing]), [['conv1', 2, []], ['conv2', 0, [0, 1]]]);
  assert.ok(!existsSync(join(resumed, 'units/conv2')), 'no unit of the cancelled batch is left half-written');

  const c = await atlasRunHandler(models, small(resumed));
  assert.deepEqual({ ...c }, { indexPath: join(resumed, 'index.html'), computed: 2, skipped: 2, written: 4, total: 4, stopped: false, batch: 32 });
  assert.deepEqual(filesBelow(resumed), filesBelow(whole));
  for (const f of filesBelow(whole)) assert.ok(readFileSync(join(resumed, f)).equals(readFileSync(join(whole, f))), `${f} differs after the resume`);

  // The same folder with other settings is another atlas: refused rather than mixed.
  await assert.rejects(atlasRunHandler(models, { ...small(resumed), steps: 9 }), /holds an atlas made with another model or other settings \(steps 8 there\)/);
  // A batch changes the units' pixels: another one asked for is refused too; none asked for resumes with the atlas's.
  await assert.rejects(atlasRunHandler(models, { ...small(resumed), batch: 4 }), /holds an atlas made with another model or other settings \(batch 32 there\)/);
});

test('an atlas whose manifest predates the recorded batch (groups of 32) resumes with its units kept, and records 32', async () => {
  await useBackend('wasm');
  const outDir = join(root, 'before-batch');
  const first = await atlasRunHandler(models, small(outDir));
  assert.equal(first.batch, 32);
  // The manifest as it was written before the batch became a setting: the same, without settings.batch.
  const file = join(outDir, 'atlas-manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { settings: Record<string, unknown> };
  const withBatch = readFileSync(file, 'utf8');
  delete manifest.settings.batch;
  writeFileSync(file, `${JSON.stringify(manifest, null, 1)}\n`);
  await assert.rejects(atlasRunHandler(models, { ...small(outDir), batch: 8 }), /holds an atlas made with another model or other settings \(batch 32 there\)/);
  const again = await atlasRunHandler(models, small(outDir));
  assert.deepEqual({ computed: again.computed, skipped: again.skipped, batch: again.batch }, { computed: 0, skipped: 4, batch: 32 });
  assert.equal(readFileSync(file, 'utf8'), withBatch);
});

test('a model without a fixed input size runs at the size asked for', async () => {
  await useBackend('wasm');
  const modelPath = writeAnySizeGraph(tempFolder('layer-lens-atlas-any-size-'));
  const anySize = { get: (path: string) => loadModel(path) };
  const outDir = join(root, 'any-size');
  const r = await atlasRunHandler(anySize, { modelPath, outDir, units: 1, steps: 4, inputSize: [32, 40] });
  assert.equal(r.written, r.total);
  const atlas = JSON.parse(readFileSync(join(outDir, 'atlas.json'), 'utf8')) as { settings: { size: number[] }; layers: { id: string; units: { actmax: { file: string }[] }[] }[] };
  assert.deepEqual(atlas.settings.size, [32, 40]);
  const png = readFileSync(join(outDir, atlas.layers[0]!.units[0]!.actmax[0]!.file));
  // PNG IHDR: width then height, big-endian, at bytes 16 and 20.
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [40, 32]);
});

test('with an images folder every unit gets its dataset examples; a folder with no image is refused before any work', async () => {
  await useBackend('wasm');
  const images = tempFolder('layer-lens-atlas-engine-digits-');
  writeDigits(images, 6);
  const outDir = join(root, 'with-images');
  const r = await atlasRunHandler(models, { modelPath: MODEL, outDir, imagesDir: images, layers: ['conv1'], units: 2, steps: 4 });
  assert.deepEqual([r.computed, r.total, r.stopped], [2, 2, false]);
  const atlas = JSON.parse(readFileSync(join(outDir, 'atlas.json'), 'utf8')) as { settings: { images: number; k: number }; layers: { units: { topPicture: string | null; top: unknown[] }[] }[] };
  assert.deepEqual([atlas.settings.images, atlas.settings.k], [6, 5]);
  assert.ok(atlas.layers[0]!.units.every((u) => u.topPicture !== null && u.top.length === 5), 'a unit has no dataset examples');
  const empty = tempFolder('layer-lens-atlas-engine-empty-');
  const other = join(root, 'no-images');
  await assert.rejects(atlasRunHandler(models, { modelPath: MODEL, outDir: other, imagesDir: empty, units: 1, steps: 4 }), /holds no PNG, JPEG, WebP, GIF or BMP image\./);
  assert.ok(!existsSync(other), 'the refused run wrote something');
});
