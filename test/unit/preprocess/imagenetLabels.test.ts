// The 1000-way GoogLeNet fixture (random weights, exported from torchvision) gets ImageNet's class names and
// torchvision's preprocessing by default; a sidecar's labels override the names; the CLI says what it applied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../../../src/core/image/encodePng';
import { modelInputSpec } from '../../../src/core/node/imageFiles';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { resolveInputSpec } from '../../../src/core/preprocess';
import { useBackend } from '../../helpers/backend';
import { onnxFixturesDir } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';
import { tempDir } from '../model/tinyModels';
import { photoLike } from './photoLike';

const googlenet = (): string => join(onnxFixturesDir(), 'googlenet.onnx');
// The smallest 1000-way fixture, for the CLI run (a process of its own).
const squeezenet = (): string => join(onnxFixturesDir(), 'squeezenet1_1.onnx');

test('GoogLeNet without a sidecar reads ImageNet class names; a sidecar with labels overrides them', async () => {
  await useBackend('wasm');
  const model = await loadModel(googlenet());
  try {
    const spec = await modelInputSpec(model);
    assert.equal(spec.labels?.length, 1000);
    assert.equal(spec.labels?.[670], 'motor scooter');
    assert.deepEqual(spec.origin, { resize: 'imagenet', normalize: 'imagenet', labels: 'imagenet' });
    assert.deepEqual([spec.resize, spec.resizeSize, spec.normalize], ['shorterSideCenterCrop', 256, 'torchvision']);
    const own = Array.from({ length: 1000 }, (_, i) => `mine ${i}`);
    const withSidecar = resolveInputSpec(model.info, { fileName: 'googlenet.layerlens.json', json: { labels: own } });
    assert.equal(withSidecar.labels?.[670], 'mine 670');
    assert.equal(withSidecar.origin?.labels, 'sidecar');
  } finally {
    model.dispose();
  }
});

test('layer-lens activations prints the preprocessing it applied and a top 5 with class names', () => {
  const dir = tempDir();
  const image = join(dir, 'photo.png');
  writeFileSync(image, encodePng(photoLike(451, 300, 1), 451, 300));
  const r = runCli(['activations', '--model', squeezenet(), '--input', image, '--outputs', '--out', join(dir, 'out')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^input: resize shorter side to 256, center crop 224 · torchvision mean\/std · default for ImageNet models; ImageNet class names \(1000; none given by a sidecar\)$/m);
  const top = /^top 5: (.*)$/m.exec(r.stdout);
  assert.ok(top, r.stdout);
  assert.equal(top[1]!.split(', ').length, 5);
  assert.doesNotMatch(top[1]!, /class \d/);

});
