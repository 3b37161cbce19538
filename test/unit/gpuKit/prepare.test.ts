// scripts/gpuKit/py/prepare.py, the GPU kit's first step, run here with Debian's torch on one fixture and 8 images:
// its GoogLeNet fixture has the repo cache's layout (index.json entry, .npy shapes, cache keys) and opens in the
// product's ONNX importer with every listed module and the output within 1e-4 of PyTorch; its JPEGs decode in the
// product's decoder to varied 224 px pictures, the same bytes on every run; a wrong fixture name is one sentence.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodeImage } from '../../../src/core/image';
import { readNpy, type NpyArray } from '../../../src/core/io/npy';
import { loadOnnxModel } from '../../../src/core/onnx/loadOnnx';
import { fixturesKey } from '../../../scripts/fixtures/fixturesCache.mjs';
import { useBackend } from '../../helpers/backend';
import { repoRoot } from '../../helpers/paths';
import { relativeL2 } from '../../helpers/relativeL2';
import { PYTHON, requirePython, runPython, type PythonRun } from './kitPython';

const PREPARE = join(repoRoot, 'scripts/gpuKit/py/prepare.py');
const INSTALL = "install Debian's python3-torch python3-torchvision python3-onnx (scripts/installTorch.sh) or set LAYER_LENS_FIXTURES_PYTHON";
const IMAGES = 8;

interface FixtureEntry {
  onnx: string;
  input: string;
  output: string;
  opset: number;
  input_shape_nchw: number[];
  output_shape: number[];
  intermediates: Record<string, { file: string; shape_nchw: number[] }>;
  ops: Record<string, number>;
}

let out = '';
let run: PythonRun;

function npy(file: string): NpyArray {
  return readNpy(readFileSync(join(out, 'fixtures', file)), file);
}

function entry(): FixtureEntry {
  const index = JSON.parse(readFileSync(join(out, 'fixtures/index.json'), 'utf8')) as { models: Record<string, FixtureEntry> };
  return index.models.googlenet!;
}

describe('GPU kit prepare.py', () => {
  before(() => {
    requirePython(['torch', 'torchvision', 'onnx', 'PIL'], `prepare.py needs ${PYTHON} with torch, torchvision, onnx and pillow: ${INSTALL}.`);
    out = mkdtempSync(join(tmpdir(), 'll-gpukit-prepare-'));
    run = runPython([PREPARE, '--out', out, '--images', String(IMAGES), '--only', 'googlenet'], 180_000);
  });

  after(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('exits 0 and prints one "prepare:" line per step, with seconds', () => {
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.ok(lines.every((l) => l.startsWith('prepare: ')), run.stdout);
    assert.match(run.stdout, /prepare: fixture googlenet: 26\.\d MB, output absmax [\d.]+, [\d.]+ s/);
    assert.match(run.stdout, new RegExp(`prepare: images: ${IMAGES} JPEGs of 224 px in .*, [\\d.]+ s`));
    assert.match(lines.at(-1)!, /^prepare: done in [\d.]+ s$/);
    // Without mnist_cnn and convnext_block_opset17 there are no attribution references to make.
    assert.equal(existsSync(join(out, 'attribution')), false);
  });

  it("lays the fixture out as the repo's cache does: index.json entry, files and shapes, cache keys", () => {
    const g = entry();
    assert.deepEqual(readdirSync(join(out, 'fixtures')).sort(), [
      'googlenet.conv1.npy', 'googlenet.inception3a.npy', 'googlenet.inception4a.npy', 'googlenet.inception5b.npy',
      'googlenet.input.npy', 'googlenet.onnx', 'googlenet.output.npy', 'index.json',
    ]);
    assert.equal(g.opset, 13);
    assert.deepEqual(g.input_shape_nchw, [1, 3, 224, 224]);
    assert.deepEqual(npy(g.input).shape, [1, 3, 224, 224]);
    assert.deepEqual(npy(g.output).shape, [1, 1000]);
    assert.deepEqual(g.output_shape, [1, 1000]);
    const shapes = Object.fromEntries(Object.entries(g.intermediates).map(([k, v]) => [k, npy(v.file).shape]));
    assert.deepEqual(shapes, { conv1: [1, 64, 112, 112], inception3a: [1, 256, 28, 28], inception4a: [1, 512, 14, 14], inception5b: [1, 1024, 7, 7] });
    for (const v of Object.values(g.intermediates)) assert.deepEqual(npy(v.file).shape, v.shape_nchw);
    // BatchNorm folded into the 57 convs on export; what the importer is tested against.
    assert.deepEqual(g.ops, { Conv: 57, Relu: 57, MaxPool: 13, Concat: 9, GlobalAveragePool: 1, Flatten: 1, Gemm: 1 });
    const keys = JSON.parse(readFileSync(join(out, 'cacheKeys.json'), 'utf8')) as { fixtures: string; attribution: string };
    assert.equal(keys.fixtures, fixturesKey());
    assert.match(keys.attribution, /^[0-9a-f]{16}$/);
  });

  it("opens in the product's ONNX importer with every listed module and the output within 1e-4 of PyTorch", async () => {
    await useBackend('wasm');
    const g = entry();
    const path = join(out, 'fixtures', g.onnx);
    const model = await loadOnnxModel(readFileSync(path), path);
    try {
      const a = npy(g.input);
      const x = tf.tidy(() => tf.transpose(tf.tensor4d(a.data, a.shape as [number, number, number, number]), [0, 2, 3, 1]));
      const ids = [...Object.keys(g.intermediates), ...model.info.outputIds];
      const outs = model.forward(x as tf.Tensor4D, ids);
      const refs = [...Object.values(g.intermediates).map((v) => v.file), g.output];
      const errors = outs.map((o, i) => {
        const nchw = tf.tidy(() => (o.rank === 4 ? tf.transpose(o, [0, 3, 1, 2]) : o).dataSync());
        return relativeL2(nchw, npy(refs[i]!).data);
      });
      tf.dispose([...outs, x]);
      assert.equal(errors.length, 5);
      errors.forEach((e, i) => assert.ok(e <= 1e-4, `${ids[i]}: relative L2 ${e}`));
    } finally {
      model.dispose();
    }
  });

  it('writes seeded JPEGs that decode to varied 224 px pictures, the same bytes on every run', async () => {
    const names = readdirSync(join(out, 'images')).sort();
    assert.deepEqual(names, Array.from({ length: IMAGES }, (_, i) => `img${String(i).padStart(5, '0')}.jpg`));
    const means: number[] = [];
    for (const name of names) {
      const img = await decodeImage(readFileSync(join(out, 'images', name)), name);
      assert.equal(img.format, 'jpeg');
      assert.deepEqual([img.width, img.height, img.channels], [224, 224, 3]);
      const red = Array.from({ length: 224 * 224 }, (_, i) => img.data[i * 4]!);
      const mean = red.reduce((s, v) => s + v, 0) / red.length;
      const std = Math.sqrt(red.reduce((s, v) => s + (v - mean) ** 2, 0) / red.length);
      assert.ok(std > 10, `${name}: red channel std ${std.toFixed(1)} (a flat picture)`);
      means.push(mean);
    }
    assert.ok(new Set(means.map((m) => m.toFixed(1))).size === IMAGES, `two pictures alike: ${means.join(', ')}`);
    // Image 5 again, alone, into another folder: the same file.
    const again = mkdtempSync(join(tmpdir(), 'll-gpukit-image-'));
    try {
      const code = 'import sys; sys.path.insert(0, sys.argv[1]); import syntheticImages; syntheticImages.write_images(sys.argv[2], 5, 1, 224)';
      const r = runPython(['-c', code, join(repoRoot, 'scripts/gpuKit/py'), again], 60_000);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(readFileSync(join(again, 'img00005.jpg')).equals(readFileSync(join(out, 'images', 'img00005.jpg'))));
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('refuses a fixture name fixtureNets.py lacks in one line on stderr, before any work', () => {
    const bad = mkdtempSync(join(tmpdir(), 'll-gpukit-bad-'));
    try {
      const r = runPython([PREPARE, '--out', bad, '--images', '1', '--only', 'googlenet,lenet9'], 60_000);
      assert.equal(r.status, 1);
      assert.match(r.stderr.trim(), /^prepare: --only names lenet9, which fixtureNets\.py does not have \(mnist_cnn, .*googlenet.*\)$/);
      assert.deepEqual(readdirSync(bad), []);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
