// Odd and bad inputs a user types at the CLI: each gets one sentence naming the flag or file and the problem,
// before the model loads where it can; an odd but legal one (k above the image count) gives a sensible output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { useBackend } from '../../helpers/backend';
import { onnxFixture, repoRoot } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';
import { rowLayout, rowSize } from '../../../src/core/topk/topkPictures';
import { seededMnistCnn, tempFolder, writeDigits } from '../topk/topkFixtures';

const SAMPLE = join(repoRoot, 'models/mnist-cnn/model.json');

/** One line on stderr that starts with the command's name and ends a sentence, no TF.js or V8 text. */
function oneSentence(stderr: string, command: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0], new RegExp(`^layer-lens ${command}: .*\\.$`));
  assert.doesNotMatch(lines[0], /at Object\.|RangeError|Invalid typed array|out of memory|tfjs/i);
  return lines[0];
}

test('a negative number after an option is read as its value and checked, not reported as a missing value', () => {
  const r = runCli(['topk', '--model', SAMPLE, '--layer', 'conv2', '--images', tempFolder(), '--out', tempFolder(), '--k', '-1']);
  assert.equal(r.status, 2);
  assert.equal(oneSentence(r.stderr, 'topk'), 'layer-lens topk: --k must be an integer >= 1, not -1.');
});

test('topk names a --cache that is a file before any work (it was "an internal error")', () => {
  const file = join(tempFolder(), 'cache.png');
  writeFileSync(file, 'mine');
  const r = runCli(['topk', '--model', SAMPLE, '--layer', 'conv2', '--images', join(repoRoot, 'models/mnist-cnn/samples'), '--out', tempFolder(), '--cache', file]);
  assert.equal(r.status, 2);
  assert.equal(oneSentence(r.stderr, 'topk'), `layer-lens topk: --cache ${file} is a file, not a folder.`);
  assert.equal(readFileSync(file, 'utf8'), 'mine');
});

test('actmax --size out of range is one sentence with both bounds, small or large', () => {
  for (const size of ['1', '100000']) {
    const r = runCli(['actmax', '--model', SAMPLE, '--layer', 'conv2', '--unit', '0', '--size', size, '--out', tempFolder()]);
    assert.equal(r.status, 2);
    assert.equal(oneSentence(r.stderr, 'actmax'), `layer-lens actmax: --size must be an integer from 8 to 1024 pixels, not ${size}.`);
  }
});

test('kernels: an --out that is a folder, an unknown layer and a --scale too large to draw are named', () => {
  const folder = tempFolder('layer-lens-kernels-out-');
  const toFolder = runCli(['kernels', '--model', SAMPLE, '--layer', 'conv1', '--out', folder]);
  assert.equal(toFolder.status, 2);
  assert.match(oneSentence(toFolder.stderr, 'kernels'), new RegExp(`--out ${folder} is a folder`));

  const out = join(tempFolder(), 'k.png');
  const unknown = runCli(['kernels', '--model', SAMPLE, '--layer', 'nope', '--out', out]);
  assert.notEqual(unknown.status, 0);
  assert.match(oneSentence(unknown.stderr, 'kernels'), /has no layer "nope"/);

  // conv1: 16 filters of 3×3 in a 4×4 grid, 1 px gaps: (12·s + 3)² pixels, within 50 megapixels up to s = 589.
  const huge = runCli(['kernels', '--model', SAMPLE, '--layer', 'conv1', '--out', out, '--scale', '100000']);
  assert.equal(huge.status, 2);
  assert.match(oneSentence(huge.stderr, 'kernels'), /--scale 100000 would draw conv1's kernels as 1,200,003 × 1,200,003 pixels, over the 50-megapixel limit; the largest --scale that fits is 589\./);
  assert.ok(!existsSync(out));
});

test('kernels without --scale lowers its readable default to what fits: perChannel 1×1 kernels of 832 inputs', () => {
  const out = join(tempFolder(), 'k.png');
  const r = runCli(['kernels', '--model', onnxFixture('googlenet.onnx'), '--layer', 'inception5b.branch1.conv', '--mode', 'perChannel', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const { scale, width, height } = JSON.parse(r.stdout) as { scale: number; width: number; height: number };
  // 832 input channels a row, 384 rows of 1×1 tiles: 24 px a weight would be 20,799 × 9,599; 11 is the largest within 50 MP.
  assert.deepEqual([scale, width, height], [11, 832 * 11 + 831, 384 * 11 + 383]);
  assert.ok(existsSync(out));
});

test('atlas refuses an --out folder that holds other files and leaves it untouched', () => {
  const folder = tempFolder('layer-lens-atlas-out-');
  writeFileSync(join(folder, 'notes.txt'), 'mine');
  const r = runCli(['atlas', '--model', SAMPLE, '--layers', 'conv2', '--units', '1', '--steps', '1', '--out', folder]);
  assert.equal(r.status, 2);
  assert.match(oneSentence(r.stderr, 'atlas'), /is not empty and holds no atlas/);
  assert.deepEqual(readdirSync(folder), ['notes.txt']);
});

test('an atlas of the first 2 units of a layer says they are 2 of its 32 channels', () => {
  const site = join(tempFolder('layer-lens-atlas-units-'), 'site');
  const r = runCli(['atlas', '--model', SAMPLE, '--layers', 'conv2', '--units', '2', '--steps', '1', '--seeds', '1', '--diversity', '0', '--out', site]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(join(site, 'index.html'), 'utf8'), /<td>2 of 2 \(the first 2 of 32 channels\)<\/td>/);
  assert.match(readFileSync(join(site, 'layer', 'conv2.html'), 'utf8'), /2 of 2 units drawn \(the first 2 of 32 channels\)\./);
});

test('an empty .onnx file is called empty, not malformed for a missing opset', () => {
  const dir = tempFolder('layer-lens-empty-onnx-');
  mkdirSync(join(dir, 'm'));
  const file = join(dir, 'm', 'empty.onnx');
  writeFileSync(file, '');
  const r = runCli(['layers', '--model', file]);
  assert.equal(r.status, 1);
  assert.equal(oneSentence(r.stderr, 'layers'), 'layer-lens layers: empty.onnx is empty (0 bytes), so it holds no ONNX model.');
});

test('topk with k above the number of images draws a slot per image, not k empty slots', async () => {
  await useBackend('cpu');
  const model = await seededMnistCnn();
  const images = tempFolder();
  writeDigits(images, 6);
  const out = tempFolder();
  const r = runCli(['topk', '--model', model, '--layer', 'conv2', '--images', images, '--out', out, '--k', '100', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const topk = JSON.parse(readFileSync(join(out, 'topk.json'), 'utf8')) as Record<string, unknown[]>;
  assert.equal(topk['0'].length, 6);
  const png = decode(readFileSync(join(out, 'channel-0.png')));
  const layout = rowLayout({ input: [28, 28] });
  assert.equal(png.width, rowSize(6, layout).width, `a row of 6 slots, not ${rowSize(100, layout).width} px for 100`);
  assert.equal(r.stderr.trim(), `topk: --k 100 is more than the 6 images read from ${images}: each channel shows all 6.`);
});

test('attribute names a .npy --input as an array before the model loads; merge --help promises no model', () => {
  const npy = join(tempFolder(), 'x.npy');
  writeFileSync(npy, 'not read');
  const r = runCli(['attribute', '--model', join(tempFolder(), 'missing.onnx'), '--input', npy, '--method', 'gradcam', '--out', tempFolder()]);
  assert.equal(r.status, 2);
  assert.match(oneSentence(r.stderr, 'attribute'), /x\.npy is a \.npy array; attribute explains an image/);
  const help = runCli(['merge', '--help']);
  assert.equal(help.status, 0);
  assert.doesNotMatch(help.stdout, /\.pt\/\.pth|--input-shape/);
});

test('a folder given as the model is called a folder, with the model file inside it when there is one; a device is called a device', () => {
  const empty = tempFolder('layer-lens-folder-model-');
  const holding = tempFolder('layer-lens-folder-model-');
  writeFileSync(join(holding, 'model.json'), readFileSync(SAMPLE));
  writeFileSync(join(holding, 'notes.txt'), 'not a model');
  assert.equal(oneSentence(runCli(['layers', '--model', empty]).stderr, 'layers'), `layer-lens layers: ${empty} is a folder, not a model file: it holds no TF.js model.json, .onnx file or Keras .keras/.h5 file.`);
  assert.equal(oneSentence(runCli(['layers', '--model', holding]).stderr, 'layers'), `layer-lens layers: ${holding} is a folder, not a model file: give the model file inside it (model.json).`);
  if (existsSync('/dev/null')) assert.equal(oneSentence(runCli(['layers', '--model', '/dev/null']).stderr, 'layers'), 'layer-lens layers: /dev/null is a device, not a file, so it holds no model.');
});
