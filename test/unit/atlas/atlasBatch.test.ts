// An atlas's batch: up to 32 units, as many as fit 320 MiB of activations on a CPU backend (8 for GoogLeNet →
// inception4a) and 4 GiB and the largest binding on a GPU;
// a resumed atlas keeps its own batch, and one asked for wins. The batch is a setting of the atlas because it
// changes a unit's pixels (one random stream per batch): shown here on the sample model, where the same unit comes
// out differently alone and in a batch of 8, and bit for bit the same in two batches of 8.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openAtlasShard } from '../../../src/cli/shard/atlasShard';
import { renderActmax } from '../../../src/core/actmax';
import { ATLAS_BATCH_MAX, atlasBatchSize, atlasPlanText, bytesPerUnit } from '../../../src/core/atlas/atlasBatch';
import { atlasGroups, atlasLayers, atlasWorkList } from '../../../src/core/atlas/workList';
import { setGpuBindingLimit } from '../../../src/core/gpuLimits';
import { chooseAtlasBatch } from '../../../src/core/node/atlas/runAtlas';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { modelInputSpec } from '../../../src/core/node/imageFiles';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import type { InputSpec, LayerInfo, ModelInfo } from '../../../src/shared/model';
import { useBackend } from '../../helpers/backend';
import { sampleModelDir } from '../../helpers/paths';
import { tempFolder } from '../topk/topkFixtures';

const spec224: InputSpec = { height: 224, width: 224, channels: 3, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] };

/** A model of `layers` conv layers, each [1, side, side, channels]: only its info is read. */
function fakeModel(layers: number, side: number, channels: number): LoadedModel {
  const list = Array.from({ length: layers }, (_, i) => ({ id: `conv${i}`, className: 'Conv2D', kind: 'conv', outputShape: [1, side, side, channels] }) as unknown as LayerInfo);
  return { info: { name: 'fake', format: 'layers', inputShape: [null, side, side, 3], layers: list } as unknown as ModelInfo } as LoadedModel;
}

after(() => setGpuBindingLimit(undefined));

test('up to 32 units at a time, fewer when a batch would not fit the CPU\'s budget, the GPU\'s memory or one binding', () => {
  const small = fakeModel(3, 28, 32);
  assert.equal(atlasBatchSize(small, ['conv2'], spec224, 'wasm'), ATLAS_BATCH_MAX);
  assert.equal(atlasBatchSize(small, ['conv2'], spec224, 'cpu'), ATLAS_BATCH_MAX);
  assert.equal(atlasBatchSize(small, ['conv2'], spec224, 'webgpu'), ATLAS_BATCH_MAX);
  // One 224×224×64 output: 39 MB a unit, about GoogLeNet → inception4a's 41 MB: 8 units in 320 MiB on a CPU.
  const wide = fakeModel(1, 224, 64);
  assert.equal(bytesPerUnit(wide, ['conv0'], spec224).bytes, 4 * (224 * 224 * 3 + 3 * 224 * 224 * 64));
  assert.equal(atlasBatchSize(wide, ['conv0'], spec224, 'wasm'), 8);
  assert.equal(atlasBatchSize(wide, ['conv0'], spec224, 'webgpu'), ATLAS_BATCH_MAX);
  // 20 layers of 224×224×256 (51 MB each): about 3.1 GB a unit kept for the gradient, so one fits 4 GiB.
  const huge = fakeModel(20, 224, 256);
  assert.equal(bytesPerUnit(huge, ['conv19'], spec224).bytes, 4 * (224 * 224 * 3 + 3 * 20 * 224 * 224 * 256));
  assert.equal(atlasBatchSize(huge, ['conv19'], spec224, 'webgpu'), 1);
  // Sized by the deepest layer asked for: up to conv1 it is two layers (0.31 GB a unit), 13 units.
  assert.equal(atlasBatchSize(huge, ['conv0', 'conv1'], spec224, 'webgpu'), 13);
  // A binding of 64 MB holds one 224×224×64 output (12.8 MB) five times.
  setGpuBindingLimit(64 * 1024 * 1024);
  assert.equal(atlasBatchSize(fakeModel(2, 224, 64), ['conv1'], spec224, 'webgpu'), 5);
  setGpuBindingLimit(undefined);
});

test('the batch: the one asked for, else the atlas being resumed, else the backend\'s; the plan says it', async () => {
  // The batch chosen is checked against the wasm heap, which a ready backend reports.
  await useBackend('wasm');
  const model = fakeModel(2, 28, 20);
  const work = atlasWorkList(atlasLayers(model.info), 'all');
  const dir = tempFolder('layer-lens-atlas-batch-');
  assert.equal(chooseAtlasBatch(dir, undefined, model, work, spec224), 32);
  assert.equal(chooseAtlasBatch(dir, 3, model, work, spec224), 3);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'atlas-manifest.json'), JSON.stringify({ generator: 'Layer Lens atlas', settings: { batch: 8 } }));
  assert.equal(chooseAtlasBatch(dir, undefined, model, work, spec224), 8, 'a resumed atlas keeps its batch');
  assert.equal(chooseAtlasBatch(dir, 4, model, work, spec224), 4, 'one asked for wins (the manifest check then refuses the folder)');
  assert.equal(chooseAtlasBatch(undefined, undefined, model, work, spec224), 32);
  // One past the wasm heap is refused here, before an atlas writes its manifest (512² × 64 outputs: 201 MB a unit).
  const big = fakeModel(1, 512, 64);
  assert.throws(() => chooseAtlasBatch(undefined, 64, big, atlasWorkList(atlasLayers(big.info), 'all'), spec224), /64 units of fake → conv0 at 224 px would need .* ask for at most \d+ units at a time\.$/);
  // 20 units of each layer in batches of 8: 8 + 8 + 4 per layer.
  assert.equal(atlasPlanText(atlasGroups(work, 8), 8, 'wasm'), '40 units of 2 layers, 6 batches of up to 8 units (wasm)');
});

test('a unit\'s pixels depend on its batch: alone and among 8 they differ; two batches of 8 agree bit for bit', async () => {
  await useBackend('wasm');
  const model = await loadModel(join(sampleModelDir, 'model.json'));
  try {
    const inputSpec = await modelInputSpec(model);
    const run = async (units: number[]) => (await renderActmax(model, { layerId: 'conv1', units, preset: 'lucid', inputSpec, overrides: { steps: 4, seed: 0 } })).images[0]!;
    const alone = await run([0]);
    const inEight = await run([0, 1, 2, 3, 4, 5, 6, 7]);
    const again = await run([0, 1, 2, 3, 4, 5, 6, 7]);
    assert.ok(Buffer.from(inEight).equals(Buffer.from(again)), 'the same batch twice gave other pixels');
    assert.ok(!Buffer.from(alone).equals(Buffer.from(inEight)), 'unit 0 came out the same alone and in a batch of 8: the batch would not need to be an atlas setting');
  } finally {
    model.dispose();
  }
});

test('a shard of an atlas records its batch: a re-run or a merge with another batch is refused, naming it', async () => {
  const out = tempFolder('layer-lens-atlas-batch-shards-');
  const modelPath = join(sampleModelDir, 'model.json');
  const work = atlasWorkList(atlasLayers(fakeModel(1, 28, 20).info), 'all');
  const shard = { index: 1, count: 2, source: 'flag' as const };
  const open = (batch: number) => openAtlasShard({ outDir: out, shard, modelPath, work, batch, settings: { steps: 16, batch } });
  const first = await open(8);
  // Shards hold whole batches: 20 units in batches of 8 are 3 batches, the second shard gets the last two.
  assert.deepEqual(first.items.map((i) => i.unit), Array.from({ length: 12 }, (_, i) => 8 + i));
  const manifest = JSON.parse(readFileSync(join(first.dir, 'shard-manifest.json'), 'utf8')) as { groupSize: number; settings: { batch: number } };
  assert.deepEqual([manifest.groupSize, manifest.settings.batch], [8, 8]);
  await assert.rejects(open(32), /shard-2-of-2 holds a shard of another run \(the settings differ \(batch: 8 vs 32\)\)/);
});
