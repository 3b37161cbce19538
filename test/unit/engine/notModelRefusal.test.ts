// The engine's model cache with its real worker-thread check: a file refused for what it holds (a PNG opened as a
// model) is refused again at once while it is unchanged, with the same code and sentence and no new worker (each
// worker loads TF.js); the same path rewritten on disk is checked again, and loads once it holds a real model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelCache } from '../../../src/engine/modelCache';
import { modelLoadWorkersStarted } from '../../../src/engine/modelLoadCheck';
import { LayerLensError } from '../../../src/shared/errors';
import { tempFolder } from '../topk/topkFixtures';

const root = join(__dirname, '../../..');
const sampleModel = join(root, 'models/mnist-cnn');
const png = join(sampleModel, 'samples/digit-0-a.png');

async function refusal(request: Promise<unknown>): Promise<LayerLensError> {
  try {
    await request;
  } catch (err) {
    assert.ok(err instanceof LayerLensError, `not a LayerLensError: ${String(err)}`);
    return err;
  }
  assert.fail('the request was not refused');
}

/** The refusal of a request that is expected to fail, checked for the same sentence on every way a request reaches it. */
async function refusedAgain(cache: ModelCache, file: string, first: LayerLensError): Promise<void> {
  // A panel's listing (cancellable), a handler's load, the info and the listing at a size.
  for (const again of [cache.checked(file, new AbortController().signal), cache.checked(file), cache.info(file), cache.get(file), cache.infoAtSize(file, [28, 28])]) {
    const repeated = await refusal(again);
    assert.equal(repeated.code, first.code);
    assert.equal(repeated.message, first.message);
  }
}

test('a PNG opened as a model is checked once, refused at once while unchanged, and checked again once rewritten', { timeout: 120_000 }, async () => {
  const file = join(tempFolder('layer-lens-not-model-'), 'digit.png');
  copyFileSync(png, file);
  const cache = new ModelCache();
  const before = modelLoadWorkersStarted();
  const first = await refusal(cache.checked(file, new AbortController().signal));
  assert.equal(first.code, 'notAModel');
  assert.ok(first.message.startsWith(file), first.message);
  assert.doesNotMatch(first.message, /\n/);
  assert.equal(modelLoadWorkersStarted(), before + 1);
  await refusedAgain(cache, file, first);
  assert.equal(modelLoadWorkersStarted(), before + 1, 'a repeated request on the unchanged PNG started a worker');

  // Another content at the same path is a new version of the file: checked again, with its own sentence.
  copyFileSync(join(sampleModel, 'model.json'), file);
  const renamed = await refusal(cache.checked(file));
  assert.equal(modelLoadWorkersStarted(), before + 2);
  assert.equal(renamed.code, 'notAModel');
  assert.match(renamed.message, /rename it/);
});

test('a PNG saved as model.json is refused at once while unchanged; replaced by the sample model, the same path loads', { timeout: 120_000 }, async () => {
  const file = join(tempFolder('layer-lens-not-model-'), 'model.json');
  copyFileSync(png, file);
  const cache = new ModelCache();
  try {
    const before = modelLoadWorkersStarted();
    const first = await refusal(cache.checked(file));
    assert.equal(first.code, 'notJson');
    assert.doesNotMatch(first.message, /\n/);
    await refusedAgain(cache, file, first);
    assert.equal(modelLoadWorkersStarted(), before + 1, 'a repeated request on the unchanged file started a worker');

    copyFileSync(join(sampleModel, 'model.json'), file);
    copyFileSync(join(sampleModel, 'weights.bin'), join(file, '..', 'weights.bin'));
    const info = await cache.checked(file);
    assert.equal(modelLoadWorkersStarted(), before + 2);
    assert.deepEqual(info.inputShape.slice(-3), [28, 28, 1]);
    // Loaded in this thread too, with no second check.
    const model = await cache.get(file);
    assert.equal(model.info.layers.length, info.layers.length);
    assert.equal(modelLoadWorkersStarted(), before + 2);
  } finally {
    cache.disposeAll();
  }
});
