// The cache of ONNX converted from .pt files (extension storage, keyed by the file's SHA-256 and the input shape)
// and the request middleware that lets the engine run a .pt's ONNX while the host keeps the .pt as the model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LayerLensError } from '../../../src/shared/errors';
import type { ModelInfo } from '../../../src/shared/model';
import { convertedFolderName, convertedOnnxPath, shapeKey } from '../../../src/host/pytorch/convertedCache';
import { ConvertedModels, isPytorchFile } from '../../../src/host/pytorch/convertedModels';

function setup(t: { after(fn: () => void): void }): { root: string; pt: string; store: ConvertedModels } {
  const dir = mkdtempSync(path.join(tmpdir(), 'll-converted-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pt = path.join(dir, 'user', 'tiny net.pt');
  const root = path.join(dir, 'storage', 'converted');
  mkdirSync(path.dirname(pt), { recursive: true });
  writeFileSync(pt, 'weights v1');
  return { root, pt, store: new ConvertedModels(root) };
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

async function convert(store: ConvertedModels, pt: string, shape: number[], bytes = 'onnx'): Promise<string> {
  const staging = await store.staging(pt, shape);
  writeFileSync(staging.onnxPath, bytes);
  return staging.commit();
}

test('the cache key is the file\'s SHA-256 and the shape; the ONNX keeps the file\'s stem, under the storage root', () => {
  assert.equal(shapeKey([1, 3, 224, 224]), '1x3x224x224');
  const digest = sha('x');
  assert.equal(convertedFolderName(digest, [1, 1, 28, 28]), `${digest}-1x1x28x28`);
  assert.equal(convertedOnnxPath('/s/converted', digest, [1, 3, 8, 8], '/home/u/nets/resnet.v2.pth'), `/s/converted/${digest}-1x3x8x8/resnet.v2.onnx`);
  assert.ok(isPytorchFile('/a/b.pt') && isPytorchFile('/a/B.PTH') && !isPytorchFile('/a/b.onnx') && !isPytorchFile('/a/pt'));
});

test('a file is found in the cache once converted, by any later window, until its contents change', async (t) => {
  const { root, pt, store } = setup(t);
  assert.equal(await store.lookup(pt), undefined);
  const onnx = await convert(store, pt, [1, 3, 32, 32]);
  assert.equal(onnx, path.join(root, `${sha('weights v1')}-1x3x32x32`, 'tiny net.onnx'));
  assert.equal(await store.lookup(pt), onnx);
  // Nothing was written beside the user's file, and no staging folder is left.
  assert.deepEqual(readdirSync(path.dirname(pt)), ['tiny net.pt']);
  assert.deepEqual(readdirSync(root), [`${sha('weights v1')}-1x3x32x32`]);
  assert.equal(await new ConvertedModels(root).lookup(pt), onnx, 'a new window finds the conversion on disk');
  writeFileSync(pt, 'weights v2, retrained');
  assert.equal(await store.lookup(pt), undefined, 'new contents are converted anew');
  assert.equal(await new ConvertedModels(root).lookup(pt), undefined);
});

test('a discarded conversion leaves nothing; the same contents at two shapes give the newest', async (t) => {
  const { root, pt, store } = setup(t);
  const staging = await store.staging(pt, [1, 3, 8, 8]);
  writeFileSync(staging.onnxPath, 'half written');
  await staging.discard();
  assert.deepEqual(readdirSync(root), []);
  assert.equal(await store.lookup(pt), undefined);
  await convert(store, pt, [1, 3, 8, 8]);
  await new Promise((r) => setTimeout(r, 20));
  const second = await convert(store, pt, [1, 3, 16, 16]);
  assert.equal(await new ConvertedModels(root).lookup(pt), second);
});

test('the middleware gives the engine the ONNX and the host the .pt, in results and in error sentences', async (t) => {
  const { pt, store } = setup(t);
  const onnx = await convert(store, pt, [1, 3, 8, 8]);
  const sent: unknown[] = [];
  const info = await store.middleware('loadModel', { path: pt }, async (p) => {
    sent.push(p);
    return { path: p.path, name: 'tiny net' } as ModelInfo;
  });
  assert.deepEqual(sent, [{ path: onnx }]);
  assert.equal(info.path, pt);
  await assert.rejects(
    store.middleware('kernels', { modelPath: pt, layerId: 'conv9', mode: 'auto', normalize: 'filter' }, async (p) => {
      throw new LayerLensError('unknownLayer', `${p.modelPath} has no layer conv9.`);
    }),
    (e: unknown) => e instanceof LayerLensError && e.code === 'unknownLayer' && e.message === `${pt} has no layer conv9.`,
  );
  // Other models pass untouched.
  const other = { modelPath: '/m/model.json', layerId: 'conv1', mode: 'auto', normalize: 'filter' } as const;
  await store.middleware('kernels', other, async (p) => {
    assert.equal(p, other);
    return { tiles: [] } as never;
  });
});

test('a .pt never converted is refused with one sentence saying how to convert it; Python runs are counted', async (t) => {
  const { pt, store } = setup(t);
  let called = false;
  await assert.rejects(
    store.middleware('loadModel', { path: pt }, async () => {
      called = true;
      return {} as ModelInfo;
    }),
    (e: unknown) => e instanceof LayerLensError && /^tiny net\.pt is a PyTorch file not yet converted to ONNX: click here \(or use "Open in Layer Lens"\)/.test(e.message),
  );
  assert.equal(called, false);
  assert.equal(store.pythonRuns, 0);
  await store.middleware('pytorch.inspect', { path: pt, pythonCandidates: ['python3'] }, async () => ({ python: 'python3', torchVersion: '2', kind: 'stateDict' }));
  await store.middleware('memory', {}, async () => ({ numTensors: 0, numBytes: 0 }));
  assert.equal(store.pythonRuns, 1);
});
