// Hostile files on disk: FIFOs and devices are refused before they are read (they would block or never end),
// a model stored as a link into a cache (Hugging Face's and DVC's snapshots/<rev>/x -> ../../blobs/<sha>) opens,
// and a manifest still cannot reach outside the model's folder, by name or by link. Every test has a time limit:
// a read that blocks fails it instead of hanging the suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { readImageFile } from '../../../src/core/node/imageFiles';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { modelIdentityOfFile } from '../../../src/core/node/modelIdentityFile';
import { readSidecar } from '../../../src/core/node/readSidecar';
import type { ErrorCode } from '../../../src/shared/errors';
import { buildOnnx } from '../onnx/onnxBuilder';
import { editModelJson, saveLayersModel, tempDir, tinySequential } from './tinyModels';

const LIMIT = { timeout: 20_000 };

function mkfifo(path: string): string {
  try {
    execFileSync('mkfifo', [path]);
  } catch (e) {
    throw new Error(`These tests need the mkfifo command (coreutils): ${(e as Error).message}`);
  }
  return path;
}

function devZero(): string {
  if (!existsSync('/dev/zero')) throw new Error('These tests need /dev/zero (a Unix system).');
  return '/dev/zero';
}

async function refused(run: Promise<unknown>, code: ErrorCode, ...names: string[]): Promise<void> {
  await assert.rejects(run, (e: Error & { code?: string }) => {
    assert.equal(e.code, code, e.message);
    for (const name of names) assert.ok(e.message.includes(name), `"${e.message}" should name ${name}`);
    assert.match(e.message, /^[^\n]*\.$/, 'one sentence');
    return true;
  });
}

/** A tiny ONNX model (Relu on 1 × 1 × 2 × 2) as bytes. */
function reluOnnx(): Uint8Array {
  return buildOnnx({ input: { name: 'x', dims: [1, 1, 2, 2] }, outputs: ['y'], nodes: [{ op: 'Relu', name: 'relu', inputs: ['x'], outputs: ['y'] }] });
}

/**
 * Moves a model's files into `root/blobs/<name>` and links each from `root/snapshots/rev/<name>` the way the
 * Hugging Face cache does (relative links); returns the snapshot folder.
 */
function asCache(files: string[], root: string): string {
  const blobs = join(root, 'blobs');
  const snapshot = join(root, 'snapshots', 'rev');
  mkdirSync(blobs, { recursive: true });
  mkdirSync(snapshot, { recursive: true });
  files.forEach((file, i) => {
    const blob = `sha${i}${'0'.repeat(40)}`;
    renameSync(file, join(blobs, blob));
    symlinkSync(join('..', '..', 'blobs', blob), join(snapshot, file.split('/').pop()!));
  });
  return snapshot;
}

test('a FIFO is refused at once as the model file, a weight shard, a sidecar and an image', LIMIT, async () => {
  await useBackend('cpu');
  const dir = tempDir();
  await refused(loadModel(mkfifo(join(dir, 'model.onnx'))), 'notAModel', join(dir, 'model.onnx'), 'named pipe');
  await refused(loadModel(mkfifo(join(dir, 'model.json'))), 'notAModel', join(dir, 'model.json'), 'named pipe');
  // The cache key reads through the same checks: a FIFO counts as missing, and the hash still completes.
  assert.match(await modelIdentityOfFile(join(dir, 'model.json')), /^[0-9a-f]{64}$/);

  const path = await saveLayersModel(tinySequential());
  const folder = join(path, '..');
  rmSync(join(folder, 'weights.bin'));
  mkfifo(join(folder, 'weights.bin'));
  await refused(loadModel(path), 'badWeights', join(folder, 'weights.bin'), path, 'named pipe');
  // The cache key hashes the shards too: a FIFO shard is hashed as missing, never read.
  assert.match(await modelIdentityOfFile(path), /^[0-9a-f]{64}$/);

  mkfifo(join(folder, 'model.layerlens.json'));
  await refused(readSidecar(path), 'badWeights', 'model.layerlens.json', 'named pipe');

  await refused(readImageFile(mkfifo(join(dir, 'photo.png'))), 'notAnImage', join(dir, 'photo.png'), 'named pipe');
});

test('/dev/zero behind a link is refused as a model and as an image, and as a shard it leaves the folder', LIMIT, async () => {
  await useBackend('cpu');
  const dir = tempDir();
  symlinkSync(devZero(), join(dir, 'model.onnx'));
  await refused(loadModel(join(dir, 'model.onnx')), 'notAModel', join(dir, 'model.onnx'), 'device');
  symlinkSync(devZero(), join(dir, 'zero.png'));
  await refused(readImageFile(join(dir, 'zero.png')), 'notAnImage', 'zero.png', 'device');
  assert.match(await modelIdentityOfFile(join(dir, 'model.onnx')), /^[0-9a-f]{64}$/);

  const path = await saveLayersModel(tinySequential());
  const folder = join(path, '..');
  rmSync(join(folder, 'weights.bin'));
  symlinkSync(devZero(), join(folder, 'weights.bin'));
  await refused(loadModel(path), 'pathEscape', path, 'weights.bin');
  // A folder as the model file is refused the same way.
  mkdirSync(join(dir, 'folder.onnx'));
  await refused(loadModel(join(dir, 'folder.onnx')), 'notAModel', 'folder.onnx', 'folder');
});

test('a TF.js model stored as links into a Hugging Face style cache opens, with the same weights', LIMIT, async () => {
  await useBackend('cpu');
  const plain = await saveLayersModel(tinySequential());
  const expected = await loadModel(plain);
  const expectedHash = await modelIdentityOfFile(plain);
  const plainFolder = join(plain, '..');
  const snapshot = asCache([join(plainFolder, 'model.json'), join(plainFolder, 'weights.bin')], tempDir());
  const linked = await loadModel(join(snapshot, 'model.json'));
  assert.deepEqual(linked.info.layers.map((l) => l.id), expected.info.layers.map((l) => l.id));
  assert.equal(linked.info.path, join(snapshot, 'model.json'), 'the model is named by the path the user opened');
  assert.equal(await modelIdentityOfFile(join(snapshot, 'model.json')), expectedHash, 'same bytes, same cache key');
  linked.dispose();
  expected.dispose();
});

test('a TF.js model in a DVC cache (files/md5/ab/cdef…, one fan-out folder per file) opens', LIMIT, async () => {
  await useBackend('cpu');
  const path = await saveLayersModel(tinySequential());
  const folder = join(path, '..');
  const md5 = join(tempDir(), 'cache', 'files', 'md5');
  const workspace = join(tempDir(), 'model');
  mkdirSync(workspace);
  for (const [name, hash] of [['model.json', 'ab' + '1'.repeat(30)], ['weights.bin', 'cd' + '2'.repeat(30)]] as const) {
    mkdirSync(join(md5, hash.slice(0, 2)), { recursive: true });
    renameSync(join(folder, name), join(md5, hash.slice(0, 2), hash.slice(2)));
    symlinkSync(join(md5, hash.slice(0, 2), hash.slice(2)), join(workspace, name));
  }
  const model = await loadModel(join(workspace, 'model.json'));
  assert.equal(model.info.layers.length, 6);
  model.dispose();
});

test('an ONNX model stored as a link into a cache opens', LIMIT, async () => {
  await useBackend('cpu');
  const dir = tempDir();
  writeFileSync(join(dir, 'model.onnx'), reluOnnx());
  const snapshot = asCache([join(dir, 'model.onnx')], tempDir());
  const model = await loadModel(join(snapshot, 'model.onnx'));
  // It runs: Relu of the four inputs.
  const x = tf.tensor4d([-1, 2, -3, 4], [1, 2, 2, 1]);
  const [y] = model.forward(x, ['output']);
  assert.deepEqual(Array.from(await y!.data()), [0, 2, 0, 4]);
  tf.dispose([x, y!]);
  model.dispose();
});

test('in a cache, a manifest still cannot leave the snapshot folder, by ../ or by a link elsewhere', LIMIT, async () => {
  await useBackend('cpu');
  const copy = await saveLayersModel(tinySequential());
  const copyFolder = join(copy, '..');
  const root = tempDir();
  const snapshot = asCache([join(copyFolder, 'model.json'), join(copyFolder, 'weights.bin')], root);
  const model = join(snapshot, 'model.json');
  const weightsBlob = join(root, 'blobs', `sha1${'0'.repeat(40)}`);
  // By name: the blob itself is where the link points, but a manifest may not name it.
  editModelJson(model, (j) => (j.weightsManifest[0].paths = [`../../blobs/sha1${'0'.repeat(40)}`]));
  await refused(loadModel(model), 'pathEscape', model);
  // By a link to a file that is in neither the snapshot nor the blobs folder.
  const elsewhere = join(root, 'elsewhere');
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, 'w.bin'), readFileSync(weightsBlob));
  symlinkSync(join(elsewhere, 'w.bin'), join(snapshot, 'other.bin'));
  editModelJson(model, (j) => (j.weightsManifest[0].paths = ['other.bin']));
  await refused(loadModel(model), 'pathEscape', 'other.bin');
  // A link that loops is named as such.
  symlinkSync('loop.bin', join(snapshot, 'loop.bin'));
  editModelJson(model, (j) => (j.weightsManifest[0].paths = ['loop.bin']));
  await refused(loadModel(model), 'badWeights', 'loop.bin', 'loops');
  // Back to the linked shard: it loads again.
  editModelJson(model, (j) => (j.weightsManifest[0].paths = ['weights.bin']));
  (await loadModel(model)).dispose();
});
