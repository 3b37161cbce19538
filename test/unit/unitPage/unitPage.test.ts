// The Unit panel's data path without VS Code: the engine's `unit.page` handler (in process, the real core) on the
// sample model through the host's UnitPages (the real on-disk cache): conv2 unit 3 gets the atlas unit page's
// content — 2 seeds, a diversity batch, the badge's numbers, dataset examples from a folder of digits, statistics,
// the strongest inputs from conv1 — and a second open is read from disk with no engine run. Also: the engine
// refuses bad params in one sentence, a unit past the layer's end is named, cancel leaves no half unit, the
// host's folder names match the atlas's, the Top Images folder memory learns from topk.find answers, and the
// header's preset, seeds and k reach the engine, draw that many pictures and rows, and key the cache.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layerSlug } from '../../../src/core/atlas/workList';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { unitPageHandler } from '../../../src/engine/handlers/unitPage';
import { validateParams } from '../../../src/engine/validateParams';
import { modelStamp } from '../../../src/host/actmax/resultCache';
import { ActmaxUnitIndex, unitIndexDir } from '../../../src/host/actmax/unitIndex';
import { TopkFolderMemory } from '../../../src/host/unit/topkFolders';
import { unitFolderSlug } from '../../../src/host/unit/unitCache';
import { UnitPages, type UnitEngine, type UnitPageSource } from '../../../src/host/unit/unitPages';
import type { ActmaxResult } from '../../../src/shared/actmax';
import { LayerLensError } from '../../../src/shared/errors';
import type { ParamsOf, ResultOf } from '../../../src/shared/protocol/engineProtocol';
import type { UnitPageProgress, UnitPageSettings } from '../../../src/shared/unitProtocol';
import { unitBadge } from '../../../src/shared/unitProtocol';
import { useBackend } from '../../helpers/backend';
import { sampleModelDir } from '../../helpers/paths';

const modelPath = join(sampleModelDir, 'model.json');
const digits = join(sampleModelDir, 'samples');
const settings: UnitPageSettings = { preset: 'lucid', steps: 8, seeds: 2, diversity: 2, k: 3 };
let root: string;
let model: LoadedModel;
const progress: UnitPageProgress[] = [];
const engine: UnitEngine = {
  request: (_method, params, options) => unitPageHandler({ get: async () => model }, params, {
    signal: options.signal,
    onProgress: (p) => {
      progress.push(p);
      options.onProgress?.(p);
    },
  }),
};

before(async () => {
  await useBackend('wasm');
  root = mkdtempSync(join(tmpdir(), 'unit-page-'));
  model = await loadModel(modelPath);
});

after(() => {
  model?.dispose();
  rmSync(root, { recursive: true, force: true });
});

test('conv2 unit 3: seeds, diversity, badge, dataset examples, statistics and conv1 inputs; the second open comes from disk', async () => {
  const pages = new UnitPages(engine, join(root, 'cache'));
  const source: UnitPageSource = { settings, imagesDir: digits, layerUnits: 32 };
  const target = { modelPath, layerId: 'conv2', unit: 3 };
  assert.equal(await pages.cached(target, source), undefined, 'nothing is cached before the first run');
  const view = await pages.compute(target, source);
  assert.equal(pages.engineRuns, 1);
  const r = view.record;
  assert.deepEqual([r.layerId, r.unit], ['conv2', 3]);
  assert.deepEqual(r.actmax.map((a) => a.seed), [0, 1]);
  assert.equal(r.diversity.length, 2);
  assert.ok(r.quality.activation > 0, `seed 0 excites its unit (${r.quality.activation})`);
  assert.ok(r.quality.top1 !== null && r.quality.top1 > 0, 'the dataset top-1 is known');
  const badge = unitBadge(r);
  assert.match(badge.text, /^q \d+\.\d\d× · r \d+\.\d\d×$/);
  assert.equal(r.top.length, 3);
  assert.match(r.top[0]!.file, /^digit-\d-[ab]\.png$/);
  assert.equal(r.stats?.images, readdirSync(digits).filter((f) => f.endsWith('.png')).length);
  assert.equal(r.inputs?.layerId, 'conv1');
  assert.equal(r.inputs?.units.length, 8);
  assert.ok(r.inputs!.units.every((u) => u.unit >= 0 && u.unit < 16));
  assert.equal(r.kernel, null, 'conv2 reads 16 channels: no kernel picture');
  // Every picture the record names came back as PNG bytes.
  const files = view.pictures.map((p) => p.file).sort();
  assert.deepEqual(files, ['actmax-0.png', 'actmax-1.png', 'diversity-0.png', 'diversity-1.png', 'top.png']);
  for (const p of view.pictures) assert.deepEqual([...p.png.subarray(1, 4)], [0x50, 0x4e, 0x47], `${p.file} is a PNG`);
  // Progress per step: shares that only grow, naming the seed runs and the diversity batch, up to the end.
  const shares = progress.map((p) => p.fraction).filter((f): f is number => f !== undefined);
  assert.ok(shares.every((f, i) => i === 0 || f >= shares[i - 1]!), `shares grow: ${shares.join(' ')}`);
  assert.ok(shares[shares.length - 1]! > 0.9, `the last share is ${shares[shares.length - 1]}`);
  for (const words of ['feature visualization 1 of 2', 'feature visualization 2 of 2', 'diversity batch of 2', 'dataset examples']) {
    assert.ok(progress.some((p) => p.message.includes(words)), `a progress message says "${words}"`);
  }

  const again = await pages.cached(target, source);
  assert.ok(again, 'the second open is cached');
  assert.equal(again.fromCache, true);
  assert.equal(pages.engineRuns, 1, 'no engine run for the cached page');
  assert.deepEqual(again.record, r);

  // Other settings are another page.
  assert.equal(await pages.cached(target, { ...source, settings: { ...settings, steps: 9 } }), undefined);
});

test('conv1 (one input channel) gets a kernel picture and no dataset part without a folder', async () => {
  const pages = new UnitPages(engine, join(root, 'cache'));
  const view = await pages.compute({ modelPath, layerId: 'conv1', unit: 0 }, { settings: { ...settings, seeds: 1, diversity: 0 }, layerUnits: 16 });
  assert.equal(view.record.kernel, 'kernel.png');
  assert.ok(view.pictures.some((p) => p.file === 'kernel.png'));
  assert.equal(view.record.top.length, 0);
  assert.equal(view.record.stats, null);
  assert.equal(view.record.quality.top1, null);
  // Without a dataset the badge has no q: r compares the image with itself under random views ('–' when it excites nothing).
  assert.match(unitBadge(view.record).text, /^r (\d+\.\d\d×|–)$/);
});

test('a unit past the layer, or an unknown layer, is named in one sentence', async () => {
  const outDir = join(root, 'bad');
  await assert.rejects(unitPageHandler({ get: async () => model }, { modelPath, layerId: 'conv2', unit: 32, outDir, settings }), /conv2 of .* has 32 units \(0–31\); there is no unit 32\./);
  await assert.rejects(unitPageHandler({ get: async () => model }, { modelPath, layerId: 'nope', unit: 0, outDir, settings }), /has no layer "nope"/);
});

test('cancel stops the page and leaves no unit.json behind', async () => {
  const outDir = join(root, 'cancelled');
  const abort = new AbortController();
  const run = unitPageHandler({ get: async () => model }, { modelPath, layerId: 'conv2', unit: 5, outDir, settings: { ...settings, steps: 400 } }, { signal: abort.signal });
  setTimeout(() => abort.abort(), 300);
  await assert.rejects(run, (err: unknown) => err instanceof LayerLensError && err.code === 'cancelled');
  assert.equal(existsSync(join(outDir, 'units', 'conv2', '5', 'unit.json')), false);
});

test('the engine refuses bad unit.page params in one sentence naming the field', () => {
  const good: ParamsOf<'unit.page'> = { modelPath, layerId: 'conv2', unit: 3, outDir: root, settings };
  validateParams('unit.page', good);
  const cases: [unknown, RegExp][] = [
    [{ ...good, unit: -1 }, /params\.unit/],
    [{ ...good, unit: 1.5 }, /params\.unit/],
    [{ ...good, outDir: '' }, /params\.outDir is empty/],
    [{ ...good, settings: { ...settings, diversity: 1 } }, /diversity must be 0 \(none\) or at least 2 images/],
    [{ ...good, settings: { ...settings, steps: 1e6 } }, /params\.settings\.steps/],
    [{ ...good, settings: { ...settings, preset: 'nope' } }, /params\.settings\.preset/],
    [{ ...good, imagesDir: 7 }, /params\.imagesDir/],
  ];
  for (const [params, message] of cases) assert.throws(() => validateParams('unit.page', params), message, JSON.stringify(params));
});

test('the preview is the picture an earlier Maximize Activation run filed for the unit (and none for another unit)', async () => {
  const actmaxDir = join(root, 'actmax');
  const rgba = new Uint8ClampedArray(28 * 28 * 4).map((_, i) => (i * 7) % 256);
  const result = { images: [rgba], width: 28, height: 28, objectiveHistory: [], msPerStep: 1, settings: { layerId: 'conv2', units: [4], objective: { kind: 'channel' }, preset: 'lucid' } } as unknown as ActmaxResult;
  assert.equal(await new ActmaxUnitIndex(unitIndexDir(actmaxDir)).record(modelPath, await modelStamp(modelPath), result), 1);
  const pages = new UnitPages(engine, join(root, 'cache'), actmaxDir);
  const preview = await pages.preview({ modelPath, layerId: 'conv2', unit: 4 });
  assert.deepEqual([preview?.width, preview?.height], [28, 28]);
  assert.deepEqual([...preview!.rgba], [...rgba]);
  assert.equal(await pages.preview({ modelPath, layerId: 'conv2', unit: 5 }), undefined);
  assert.equal(await new UnitPages(engine, join(root, 'cache')).preview({ modelPath, layerId: 'conv2', unit: 4 }), undefined, 'no actmax cache, no preview');
});

test("the host names a unit's folder as the atlas does", () => {
  for (const id of ['conv2', 'features.0', 'inception4a/branch 1:0', 'a\\b', '../x']) assert.equal(unitFolderSlug(id), layerSlug(id), id);
});

test('the Top Images folder of a model is learned from topk.find answers and kept on disk', async () => {
  const file = join(root, 'folders', 'topk-folders.json');
  const memory = new TopkFolderMemory(file);
  const observe = memory.observe();
  const params = { modelPath: '/m/model.json', layerId: 'conv2', folder: '/data/digits', k: 5, cacheDir: '/c' } as ParamsOf<'topk.find'>;
  await observe('topk.find', params, async () => ({}) as ResultOf<'topk.find'>);
  await assert.rejects(observe('topk.find', { ...params, folder: '/data/failed' }, async () => Promise.reject(new Error('no'))));
  await observe('kernels', { modelPath: '/m/model.json', layerId: 'conv1', mode: 'auto', normalize: 'filter' }, async () => ({}) as ResultOf<'kernels'>);
  assert.equal(await memory.folderFor('/m/model.json'), '/data/digits');
  assert.equal(await new TopkFolderMemory(file).folderFor('/m/model.json'), '/data/digits', 'a later window knows it');
  assert.equal(await memory.folderFor('/other/model.json'), undefined);
});

test('the engine draws the seeds and dataset rows asked for with the preset asked, cached under those settings', async () => {
  const pages = new UnitPages(engine, join(root, 'cache'));
  const target = { modelPath, layerId: 'conv2', unit: 1 };
  const naive: UnitPageSource = { settings: { ...settings, diversity: 0, preset: 'trial1-naive', seeds: 3, k: 2 }, imagesDir: digits, layerUnits: 32 };
  const view = await pages.compute(target, naive);
  assert.deepEqual(pages.engineSettings, [naive.settings], 'the engine request carried the settings');
  assert.deepEqual(view.record.actmax.map((a) => a.seed), [0, 1, 2]);
  assert.equal(view.record.top.length, 2);
  assert.deepEqual(view.settings, naive.settings);

  const lucid: UnitPageSource = { ...naive, settings: { ...naive.settings, preset: 'lucid' } };
  assert.equal(await pages.cached(target, lucid), undefined, 'another preset is another page');
  const other = await pages.compute(target, lucid);
  const seed0 = (v: typeof view): Uint8Array => v.pictures.find((p) => p.file === 'actmax-0.png')!.png;
  assert.notDeepEqual(seed0(other), seed0(view), 'lucid draws another picture than trial1-naive');

  const again = await pages.cached(target, { ...naive, settings: { ...naive.settings } });
  assert.ok(again?.fromCache, 'the same settings again come from the cache');
  assert.equal(pages.engineRuns, 2);
  assert.deepEqual(again.record, view.record);
});
