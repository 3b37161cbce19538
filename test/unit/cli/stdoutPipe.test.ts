// Every byte a command prints must reach a reader on the other end of a pipe, however slowly it reads:
// `layer-lens layers --model M --json | cat` once stopped at 64 KiB (the pipe's buffer) because the process
// exited while its own write queue still held the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../../helpers/backend';
import { repoRoot } from '../../helpers/paths';
import { saveLayersModel, tempDir, tinySequential } from '../model/tinyModels';
import { tempFolder, writeDigits, seededMnistCnn } from '../topk/topkFixtures';

interface PipedRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI with stdout on a pipe that nobody reads for `stallMs` (so the pipe fills and the rest waits in
 * the child), then reads it all.
 */
function runCliThroughSlowPipe(args: string[], stallMs = 1500): Promise<PipedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args], { cwd: repoRoot });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.pause();
    setTimeout(() => {
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stdout.resume();
    }, stallMs);
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

const LAYERS = 4000;
let longModel: Promise<string> | undefined;

/**
 * A model whose layer listing runs past 1 MB: a chain of weightless layers with long names (247 characters, so
 * that each .npy file name still fits the usual 255-byte limit).
 */
function longListingModel(): Promise<string> {
  longModel ??= buildChain(LAYERS);
  return longModel;
}

async function buildChain(layers: number): Promise<string> {
  await useBackend('cpu');
  const input = tfl.input({ shape: [2, 2, 1], name: 'image' });
  let x = input;
  for (let i = 0; i < layers; i++) {
    const name = `stage_${String(i).padStart(5, '0')}_${'long_layer_name_'.repeat(14)}abcdefghijk`;
    x = tfl.layers.activation({ name, activation: 'linear' }).apply(x) as tfl.SymbolicTensor;
  }
  return saveLayersModel(tfl.model({ name: 'long_listing', inputs: input, outputs: x }), tempDir());
}

const MB = 1_000_000;

test('layers prints its whole listing, text and JSON, through a pipe read late', async () => {
  const model = await longListingModel();
  const json = await runCliThroughSlowPipe(['layers', '--model', model, '--json', '--backend', 'cpu']);
  assert.equal(json.status, 0, json.stderr);
  assert.ok(json.stdout.length > MB, `listing is ${json.stdout.length} bytes`);
  const info = JSON.parse(json.stdout) as { layers: { id: string }[] };
  assert.equal(info.layers.filter((l) => l.id.startsWith('stage_')).length, LAYERS);

  const text = await runCliThroughSlowPipe(['layers', '--model', model, '--backend', 'cpu']);
  assert.equal(text.status, 0, text.stderr);
  assert.ok(text.stdout.length > MB, `listing is ${text.stdout.length} bytes`);
  const lines = text.stdout.trimEnd().split('\n');
  assert.match(lines[lines.length - 1]!, /^stage_03999_/);
  assert.ok(text.stdout.endsWith('\n'));
});

test('activations --json lists every file it wrote through a pipe read late', async () => {
  const model = await longListingModel();
  const dir = tempDir();
  const input = join(dir, 'x.npy');
  // A 1×2×2×1 float32 .npy: the header is padded so that the data starts at a multiple of 64 bytes.
  const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2, 1), }";
  const padded = header.padEnd(64 - 10 - 1, ' ') + '\n';
  const npy = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0, padded.length, 0]), Buffer.from(padded, 'latin1'), Buffer.from(new Float32Array([1, 2, 3, 4]).buffer)]);
  writeFileSync(input, npy);
  const r = await runCliThroughSlowPipe(['activations', '--model', model, '--input', input, '--out', join(dir, 'acts'), '--json', '--backend', 'cpu']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.length > MB, `summary is ${r.stdout.length} bytes`);
  const summary = JSON.parse(r.stdout) as { files: { layer: string }[] };
  assert.equal(summary.files.filter((f) => f.layer.startsWith('stage_')).length, LAYERS);
});

test('topk --json lists every skipped file through a pipe read late', async () => {
  await useBackend('cpu');
  const model = await seededMnistCnn();
  const images = tempFolder();
  writeDigits(images, 2);
  const broken = 6000;
  for (let i = 0; i < broken; i++) writeFileSync(join(images, `broken_${String(i).padStart(5, '0')}_${'x'.repeat(60)}.png`), 'not a png');
  const r = await runCliThroughSlowPipe(['topk', '--model', model, '--layer', 'conv1', '--images', images, '--k', '1', '--out', join(tempFolder(), 'out'), '--json', '--backend', 'cpu']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.length > MB, `summary is ${r.stdout.length} bytes`);
  const summary = JSON.parse(r.stdout) as { images: number; skipped: unknown[] };
  assert.equal(summary.images, 2);
  assert.equal(summary.skipped.length, broken);
});

test('a reader that stops early ends the CLI quietly, without an EPIPE stack', async () => {
  const model = await longListingModel();
  const r = await new Promise<PipedRun>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'layers', '--model', model, '--backend', 'cpu'], { cwd: repoRoot });
    const err: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('close', (status) => resolve({ status, stdout: '', stderr: Buffer.concat(err).toString('utf8') }));
  });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
});

test('help and kernels --json reach a pipe read late, whole', async () => {
  const help = await runCliThroughSlowPipe(['--help'], 500);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^Usage:\n[\s\S]*--backend auto\|webgpu\|wasm\|cpu\|tensorflow \(default auto: a hardware GPU through WebGPU, else wasm; one stderr line says when the one asked for cannot run\)\.\n$/);

  const model = await tinyModelPath();
  const out = join(tempDir(), 'k.png');
  const kernels = await runCliThroughSlowPipe(['kernels', '--model', model, '--layer', 'conv1', '--out', out, '--json', '--backend', 'cpu'], 500);
  assert.equal(kernels.status, 0, kernels.stderr);
  assert.equal((JSON.parse(kernels.stdout) as { tiles: number }).tiles, 2);
});

test('an output that cannot be written (a full disk) is one sentence and exit 1, not a stack trace', () => {
  assert.ok(existsSync('/dev/full'), 'this test needs /dev/full, the Linux device on which every write fails with ENOSPC');
  const fd = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), '--help'], { cwd: repoRoot, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'layer-lens: could not write the output (ENOSPC).\n');
  } finally {
    closeSync(fd);
  }
});

async function tinyModelPath(): Promise<string> {
  await useBackend('cpu');
  return saveLayersModel(tinySequential());
}
