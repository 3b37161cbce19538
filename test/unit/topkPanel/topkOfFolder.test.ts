// The shared top-k entry (engine, CLI, report): a folder without images and a folder whose images none could be
// read are errors naming the folder, before or instead of an empty result.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { topkOfFolder } from '../../../src/core/node/topkOfFolder';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { LayerLensError } from '../../../src/shared/errors';
import { useBackend } from '../../helpers/backend';
import { sampleModelDir } from '../../helpers/paths';

let model: LoadedModel;
before(async () => {
  await useBackend('wasm');
  model = await loadModel(join(sampleModelDir, 'model.json'));
});

test('a folder with no image file is notFound, naming the folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'topk-empty-'));
  writeFileSync(join(dir, 'notes.txt'), 'not an image');
  await assert.rejects(
    topkOfFolder(model, { layerId: 'conv2', images: { folder: dir }, k: 3 }),
    (e: unknown) => e instanceof LayerLensError && e.code === 'notFound' && e.message.includes(dir),
  );
});

test('a folder whose images none could be read is an error naming the folder and the first reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'topk-unreadable-'));
  mkdirSync(join(dir, 'a'));
  writeFileSync(join(dir, 'a', 'broken.png'), 'not a png');
  writeFileSync(join(dir, 'b.jpg'), 'not a jpeg either');
  await assert.rejects(
    topkOfFolder(model, { layerId: 'conv2', images: { folder: dir }, k: 3 }),
    (e: unknown) => e instanceof LayerLensError && e.code === 'notAnImage' && e.message.includes(dir) && /None of the 2 images/.test(e.message) && /broken\.png|b\.jpg/.test(e.message),
  );
});

test('the sample digits rank, and the spec comes from the sidecar', async () => {
  const { result, spec } = await topkOfFolder(model, { layerId: 'conv2', images: { folder: join(sampleModelDir, 'samples') }, k: 2 });
  assert.ok(result.imageCount > 0);
  assert.equal(result.top.length, result.channels);
  assert.deepEqual([spec.height, spec.width, spec.channels], [28, 28, 1]);
  for (const entries of result.top) for (let i = 1; i < entries.length; i++) assert.ok(entries[i - 1]!.value >= entries[i]!.value);
});
