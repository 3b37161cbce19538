import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { useBackend } from '../../helpers/backend';
import { runCli } from '../../helpers/runCli';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { rowLayout, rowSize } from '../../../src/core/topk/topkPictures';
import { topkSection } from '../../../src/cli/report/topkSection';
import { seededMnistCnn, tempFolder, writeDigits } from './topkFixtures';

type TopkJson = Record<string, { file: string; value: number; x: number; y: number; box: { x: number; y: number; width: number; height: number } }[]>;

test('topk writes topk.json (value descending, files relative) and one PNG row per channel of the right size', async () => {
  await useBackend('cpu');
  const model = await seededMnistCnn();
  const images = tempFolder();
  writeDigits(images, 24);
  writeFileSync(join(images, 'broken.jpg'), 'no jpeg here');
  const out = join(tempFolder(), 'out');
  const r = runCli(['topk', '--model', model, '--layer', 'conv1', '--images', images, '--k', '4', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { channels: number; images: number; skipped: { file: string; reason: string }[] };
  assert.equal(summary.channels, 16);
  assert.equal(summary.images, 24);
  assert.deepEqual(summary.skipped.map((s) => s.file), ['broken.jpg']);
  const json = JSON.parse(readFileSync(join(out, 'topk.json'), 'utf8')) as TopkJson;
  assert.deepEqual(Object.keys(json).sort((a, b) => Number(a) - Number(b)), Array.from({ length: 16 }, (_, i) => String(i)));
  for (const entries of Object.values(json)) {
    assert.equal(entries.length, 4);
    for (let i = 1; i < entries.length; i++) assert.ok(entries[i]!.value <= entries[i - 1]!.value);
    for (const e of entries) {
      assert.match(e.file, /^\d\/\d{4}\.png$/);
      assert.ok(existsSync(join(images, e.file)));
      assert.deepEqual([e.box.x, e.box.y, e.box.width, e.box.height], [e.x, e.y, 3, 3], 'conv1 unit (x, y) sees the 3×3 pixels from (x, y)');
    }
  }
  const pngs = readdirSync(out).filter((f) => f.endsWith('.png'));
  assert.equal(pngs.length, 16);
  const png = decode(readFileSync(join(out, 'channel-0.png')));
  const size = rowSize(4, rowLayout({ input: [28, 28] }));
  assert.deepEqual([png.width, png.height], [size.width, size.height]);
  assert.deepEqual([png.width, png.height], [4 * 2 * 112 + 6 * 2 + 8, 112]);
});

test('topk with a missing flag or an unknown layer fails with one sentence', async () => {
  await useBackend('cpu');
  const model = await seededMnistCnn();
  const images = tempFolder();
  writeDigits(images, 2);
  const out = join(tempFolder(), 'out');
  const missing = runCli(['topk', '--model', model, '--layer', 'conv1', '--out', out]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--images is required/);
  const unknown = runCli(['topk', '--model', model, '--layer', 'conv7', '--images', images, '--out', out]);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr.trim(), /^layer-lens topk: .*conv7.*\.$/);
});

test('the report section shows the top 5 of the report images for each channel of the last conv layer', async () => {
  await useBackend('wasm');
  const modelPath = await seededMnistCnn();
  const model = await loadModel(modelPath);
  const images = tempFolder();
  const files = writeDigits(images, 20);
  const outDir = tempFolder();
  // A part that fails or an image that is skipped fails this test: the section must draw everything here.
  const html = await topkSection({
    model, modelPath, outDir, images: files, backend: 'wasm', steps: 8, log: () => {},
    part: (_what, run) => run(),
    fail: (what, err) => {
      throw new Error(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    },
    skipImage: (path, reason) => {
      throw new Error(`${path} was skipped: ${reason}`);
    },
  });
  model.dispose();
  assert.match(html, /<h2>Dataset examples<\/h2>/);
  assert.match(html, /conv2/);
  assert.match(html, /8×8 px/);
  const pngs = readdirSync(outDir).filter((f) => f.startsWith('topk-conv2-'));
  // A channel that never fires on these digits is named in a line, with no picture of ties at 0.
  const inactive = html.match(/never active on these 20 images/g)?.length ?? 0;
  assert.equal(pngs.length + inactive, 32);
  const png = decode(readFileSync(join(outDir, 'topk-conv2-0.png')));
  assert.deepEqual([png.width, png.height], [10 * 56 + 8 * 2 + 8, 56]);
});
