// The real CLI on models whose input is not the core's NHWC float image of a fixed size.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBackend } from '../../helpers/backend';
import { runCli } from '../../helpers/runCli';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../../src/core/io/npy';
import { encodePng } from '../../../src/core/image/encodePng';
import { tempDir } from './tinyModels';
import { writeAnySizeGraph, writeIntInputGraph, writeNchwGraph } from './inputsModels';

before(async () => {
  // The model writers hold their reference weights as tensors.
  await useBackend('cpu');
});

test('layers shows the assumed size of a model without a fixed one, and --input-size changes it and the shapes', () => {
  const { path } = writeAnySizeGraph();
  const plain = runCli(['layers', '--model', path]);
  assert.equal(plain.status, 0, plain.stderr);
  const header = plain.stdout.split('\n')[0] ?? '';
  assert.match(header, /input \?×\?×\?×3 \(NHWC\), runs at 224×224 \(input size not fixed by the model; the default/);
  assert.match(plain.stdout, /\nconv\s+Conv2D\s+\?×112×112×4/);

  const sized = runCli(['layers', '--model', path, '--input-size', '64,48']);
  assert.equal(sized.status, 0, sized.stderr);
  assert.match(sized.stdout.split('\n')[0] ?? '', /runs at 64×48 \(input size not fixed by the model; from --input-size\)/);
  assert.match(sized.stdout, /\nconv\s+Conv2D\s+\?×32×24×4/);

  const json = runCli(['layers', '--model', path, '--input-size', '30,30', '--json']);
  assert.deepEqual(JSON.parse(json.stdout).assumedInputSize, { height: 30, width: 30, source: 'option' });
});

test('--input-size is refused in one sentence when malformed or when the model fixes another size', () => {
  const { path } = writeAnySizeGraph();
  const bad = runCli(['layers', '--model', path, '--input-size', '64']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr.trim(), /^[^\n]*--input-size must be HEIGHT,WIDTH, two integers from 8 to 1024 \(e\.g\. 224,224\), not 64\.$/);
  const fixed = writeNchwGraph().path;
  const other = runCli(['layers', '--model', fixed, '--input-size', '16,16']);
  assert.notEqual(other.status, 0);
  assert.match(other.stderr, /takes a fixed input size of 8×8, so it cannot run at 16×16\./);
});

test('layers lists a channels-first graph in NCHW, as the model declares it, with no assumed size', () => {
  const { path } = writeNchwGraph();
  const r = runCli(['layers', '--model', path]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout.split('\n')[0] ?? '', /input 1×3×8×8 \(NCHW\), \d+ parameters/);
  assert.match(r.stdout, /\npool\s+MaxPool\s+1×4×4×4/);
});

test('actmax runs on an int32-input graph at a requested size; activations of an NCHW graph are written NCHW', () => {
  const out = tempDir();
  const { path: intModel } = writeIntInputGraph('DT_INT32', [-1, -1, -1, 3]);
  const run = runCli(['actmax', '--model', intModel, '--layer', 'logits', '--unit', '0', '--preset', 'trial1-naive', '--steps', '8', '--input-size', '16,16', '--out', out, '--json']);
  assert.equal(run.status, 0, run.stderr);
  const summary = JSON.parse(run.stdout);
  assert.ok(existsSync(join(out, 'logits-0.png')));
  assert.deepEqual([summary.settings.height, summary.settings.width], [16, 16]);

  const { path: nchw } = writeNchwGraph();
  const image = join(out, 'in.png');
  writeFileSync(image, encodePng(new Uint8Array(8 * 8 * 4).map((_, i) => (i * 29) % 256), 8, 8));
  const acts = runCli(['activations', '--model', nchw, '--input', image, '--layer', 'relu', '--out', out]);
  assert.equal(acts.status, 0, acts.stderr);
  assert.deepEqual(readNpy(readFileSync(join(out, 'relu.npy')), 'relu.npy').shape, [1, 4, 8, 8], "written in the model's own NCHW layout");
});
