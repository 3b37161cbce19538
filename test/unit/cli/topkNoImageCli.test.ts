// Top-k over a folder where nothing can be read must fail, naming the folder, never print an empty result as
// if it had worked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { runCli } from '../../helpers/runCli';
import { pngBomb } from '../image/imageFixtures';
import { seededMnistCnn, tempFolder } from '../topk/topkFixtures';

function topk(model: string, images: string) {
  return runCli(['topk', '--model', model, '--layer', 'conv1', '--images', images, '--k', '2', '--out', join(tempFolder(), 'out'), '--json', '--backend', 'cpu']);
}

function assertOneSentenceNaming(stderr: string, folder: string): void {
  const line = stderr.trim();
  assert.equal(line.split('\n').length, 1, stderr);
  assert.ok(line.startsWith('layer-lens topk: '), line);
  assert.ok(line.includes(folder), `names ${folder}: ${line}`);
  assert.ok(line.endsWith('.'), line);
  assert.doesNotMatch(line, /\.\)|\.\.|\.\s/, `a single full stop, at the end: ${line}`);
}

test('topk over a folder whose every image is unreadable, hostile or missing exits non-zero with one sentence naming the folder', async () => {
  await useBackend('cpu');
  const model = await seededMnistCnn();

  const unreadable = tempFolder();
  writeFileSync(join(unreadable, 'a.png'), 'not a png at all');
  writeFileSync(join(unreadable, 'b.jpg'), new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]));
  writeFileSync(join(unreadable, 'c.png'), pngBomb(64)); // a 16 × 16 header over 64 MiB of pixel data
  mkdirSync(join(unreadable, 'd.gif'));
  const bad = topk(model, unreadable);
  assert.notEqual(bad.status, 0, bad.stdout);
  assert.equal(bad.stdout, '');
  assertOneSentenceNaming(bad.stderr, unreadable);

  const empty = tempFolder();
  const none = topk(model, empty);
  assert.notEqual(none.status, 0, none.stdout);
  assertOneSentenceNaming(none.stderr, empty);

  const textOnly = tempFolder();
  writeFileSync(join(textOnly, 'notes.txt'), 'no images here');
  const text = topk(model, textOnly);
  assert.notEqual(text.status, 0, text.stdout);
  assertOneSentenceNaming(text.stderr, textOnly);
});
