import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { readNpy, writeNpy } from '../../../src/core/io/npy';
import { onnxFixturesDir, repoRoot } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';
import { tempDir } from '../model/tinyModels';
import { relativeL2 as relL2 } from '../../helpers/relativeL2';


const fixture = (name: string) => readNpy(new Uint8Array(readFileSync(join(onnxFixturesDir(), name))));

test('activations of an ONNX model are written as NCHW .npy files that match PyTorch', () => {
  const out = tempDir();
  const r = runCli([
    'activations', '--model', join(onnxFixturesDir(), 'mnist_cnn.onnx'), '--input', join(onnxFixturesDir(), 'mnist_cnn.input.npy'),
    '--layer', 'conv1', '--layer', 'conv2', '--outputs', '--out', out, '--json',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { files: { file: string; shape: number[] }[] };
  assert.deepEqual(summary.files.map((f) => f.shape), [[1, 16, 26, 26], [1, 32, 11, 11], [1, 10]]);
  for (const [file, ref] of [['conv1.npy', 'mnist_cnn.conv1.npy'], ['conv2.npy', 'mnist_cnn.conv2.npy'], ['output.npy', 'mnist_cnn.output.npy']]) {
    const ours = readNpy(new Uint8Array(readFileSync(join(out, file))));
    const theirs = fixture(ref);
    assert.deepEqual(ours.shape, theirs.shape);
    assert.ok(relL2(ours.data, theirs.data) <= 1e-4, `${file}: rel L2 ${relL2(ours.data, theirs.data)}`);
  }
});

test('an input that does not fit the model is one sentence naming the file', () => {
  const r = runCli(['activations', '--model', join(onnxFixturesDir(), 'mnist_cnn.onnx'), '--input', join(onnxFixturesDir(), 'alexnet_narrow.input.npy'), '--out', tempDir()]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /alexnet_narrow\.input\.npy/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test('--json names the model, the input and every file by its absolute path, whatever the user typed', () => {
  const out = tempDir();
  const model = join(onnxFixturesDir(), 'mnist_cnn.onnx');
  const input = join(onnxFixturesDir(), 'mnist_cnn.input.npy');
  // runCli starts the CLI in the repository root: these are the paths a user there would type.
  const typed = (p: string) => relative(repoRoot, p);
  const r = runCli(['activations', '--model', typed(model), '--input', typed(input), '--layer', 'conv1', '--out', typed(out), '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!isAbsolute(typed(input)) && !isAbsolute(typed(out)), 'the test typed relative paths');
  const summary = JSON.parse(r.stdout) as { model: string; input: string; files: { file: string }[] };
  assert.deepEqual(
    { model: summary.model, input: summary.input, files: summary.files.map((f) => f.file) },
    { model, input, files: [join(out, 'conv1.npy')] },
  );
});

test('an input array holding NaN or infinity is refused in one sentence naming the file, before any map is written', () => {
  const out = tempDir();
  const input = join(tempDir(), 'x nan.npy');
  const values = new Float32Array(28 * 28).fill(0.5);
  values[3] = Number.NaN;
  values[700] = Number.NEGATIVE_INFINITY;
  writeFileSync(input, writeNpy([1, 1, 28, 28], values));
  const r = runCli(['activations', '--model', join(onnxFixturesDir(), 'mnist_cnn.onnx'), '--input', input, '--layer', 'conv1', '--out', out]);
  assert.notEqual(r.status, 0);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /x nan\.npy holds 2 of 784 values that are not finite numbers \(NaN or ±infinity\)/);
  assert.deepEqual(readdirSync(out), []);
});
