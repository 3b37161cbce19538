import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { loadModel } from '../../../src/core/node/loadModelFile';
import type { ErrorCode } from '../../../src/shared/errors';
import { saveLayersModel, tempDir, tinySequential, writeGraphModel } from './tinyModels';

async function rejectsWith(path: string, code: ErrorCode, names: string = path): Promise<void> {
  await assert.rejects(loadModel(path), (e: Error & { code?: string }) => {
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.includes(names), `"${e.message}" should name ${names}`);
    // One sentence: a single full stop, at the end.
    assert.match(e.message, /^[^\n]*\.$/);
    return true;
  });
}

function editJson(path: string, edit: (json: Record<string, any>) => void): void {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  edit(json);
  writeFileSync(path, JSON.stringify(json));
}

test('errors: missing file, not JSON, JSON that is not a model, unknown extension', async () => {
  await useBackend('cpu');
  const dir = tempDir();
  await rejectsWith(join(dir, 'model.json'), 'notFound');
  writeFileSync(join(dir, 'broken.json'), '{"modelTopology": ');
  await rejectsWith(join(dir, 'broken.json'), 'notJson');
  writeFileSync(join(dir, 'config.json'), '{"name": "not a model"}');
  await rejectsWith(join(dir, 'config.json'), 'notAModel');
  writeFileSync(join(dir, 'list.json'), '[1, 2]');
  await rejectsWith(join(dir, 'list.json'), 'notAModel');
  writeFileSync(join(dir, 'weights.h5'), 'x');
  await rejectsWith(join(dir, 'weights.h5'), 'notAModel');
});

test('errors: missing shard and shard of the wrong size name the shard and the model', async () => {
  await useBackend('cpu');
  const path = await saveLayersModel(tinySequential());
  const dir = join(path, '..');
  writeFileSync(join(dir, 'weights.bin'), readFileSync(join(dir, 'weights.bin')).subarray(0, 100));
  await rejectsWith(path, 'badWeights', 'weights.bin');
  await rejectsWith(path, 'badWeights', path);
  editJson(path, (j) => (j.weightsManifest[0].paths = ['gone.bin']));
  await rejectsWith(path, 'missingWeights', join(dir, 'gone.bin'));
  const graph = writeGraphModel();
  writeFileSync(join(graph.path, '..', 'group1-shard1of1.bin'), Buffer.alloc(7));
  await rejectsWith(graph.path, 'badWeights', 'group1-shard1of1.bin');
});

test('errors: weight paths that leave the folder are refused, symbolic links included', async () => {
  await useBackend('cpu');
  const outer = tempDir();
  const dir = join(outer, 'inner');
  mkdirSync(dir);
  const path = await saveLayersModel(tinySequential(), dir);
  writeFileSync(join(outer, 'evil.bin'), readFileSync(join(dir, 'weights.bin')));
  for (const bad of ['../evil.bin', join(outer, 'evil.bin'), 'sub/../../evil.bin', 'file:///etc/passwd']) {
    editJson(path, (j) => (j.weightsManifest[0].paths = [bad]));
    await rejectsWith(path, 'pathEscape', path);
  }
  symlinkSync(join(outer, 'evil.bin'), join(dir, 'link.bin'));
  editJson(path, (j) => (j.weightsManifest[0].paths = ['link.bin']));
  await rejectsWith(path, 'pathEscape', 'link.bin');
  // A path that climbs and comes back stays inside and loads.
  editJson(path, (j) => (j.weightsManifest[0].paths = ['./x/../weights.bin']));
  const model = await loadModel(path);
  assert.equal(model.info.layers.length, 6);
  model.dispose();
});

test('errors: an unknown layer class is named', async () => {
  await useBackend('cpu');
  const path = await saveLayersModel(tinySequential());
  editJson(path, (j) => (j.modelTopology.config.layers[1].class_name = 'MyCustomPool'));
  await rejectsWith(path, 'unknownLayer', 'MyCustomPool');
  await rejectsWith(path, 'unknownLayer', path);
});
