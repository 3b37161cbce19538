import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode } from 'fast-png';
import { writeTopkOutput } from '../../../src/cli/commands/topkCommand';
import { encodePng } from '../../../src/core/image/encodePng';
import { loadDisplayImages, rowLayout } from '../../../src/core/topk/topkPictures';
import type { InputSpec } from '../../../src/shared/model';
import type { TopkEntry, TopkResult } from '../../../src/shared/topk';
import { useBackend } from '../../helpers/backend';
import { referenceChannelRow } from './channelRowReference';
import { tempFolder } from './topkFixtures';

const SPEC: InputSpec = { height: 32, width: 32, channels: 3, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] };

function photo(width: number, height: number, seed: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * height * 4);
  let s = seed;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      rgba.set([(x * 6 + seed * 40) & 255, (y * 8) & 255, s >>> 24, 255], (y * width + x) * 4);
    }
  }
  return rgba;
}

test('writeTopkOutput: topk.json as before, and every channel PNG decodes to the pixels the per-byte drawing and fast-png gave', async () => {
  await useBackend('cpu');
  const images = tempFolder();
  const files = [0, 1, 2, 3, 4].map((i) => {
    const path = join(images, `p${i}.png`);
    writeFileSync(path, encodePng(photo(40, 30, i), 40, 30));
    return path;
  });
  // More channels than the writer keeps in flight, entries of 0 to k images, boxes of several sizes.
  const channels = 21;
  const top: TopkEntry[][] = Array.from({ length: channels }, (_, c) => Array.from({ length: c % 5 }, (_, i) => ({
    file: files[(c + i) % files.length]!, value: 10 - i, mean: 1 / (i + 1), x: i, y: c % 3,
    box: { x: i * 3, y: c % 7, width: 3 + (c % 11), height: 2 + i },
  })));
  const result: TopkResult = {
    layerId: 'conv', k: 4, channels, top, grid: [8, 8], input: [32, 32],
    receptiveField: { size: [11, 11], rows: { stride: 4, start: -5, end: 5, length: 32 }, cols: { stride: 4, start: -5, end: 5, length: 32 } },
    imageCount: files.length, skipped: [], batchSize: 4, ms: 1, fromCache: false,
  };
  const out = join(tempFolder(), 'out');
  await writeTopkOutput(result, SPEC, images, out);

  const json = JSON.parse(readFileSync(join(out, 'topk.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(json, Object.fromEntries(top.map((entries, c) => [String(c), entries.map((e) => ({
    file: e.file.slice(images.length + 1), value: e.value, x: e.x, y: e.y, mean: e.mean, box: e.box,
  }))])));
  assert.equal(readdirSync(out).filter((f) => f.endsWith('.png')).length, channels);
  assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('.')), [], 'no temporary file is left');

  const pictures = await loadDisplayImages(result, async (f) => readFileSync(f), SPEC);
  const layout = rowLayout(result);
  for (let c = 0; c < channels; c++) {
    const row = referenceChannelRow(top[c]!, 4, pictures, layout);
    const before = decode(encode({ width: row.width, height: row.height, data: new Uint8Array(row.rgba.buffer), channels: 4, depth: 8 }));
    const now = decode(readFileSync(join(out, `channel-${c}.png`)));
    assert.deepEqual([now.width, now.height, now.channels], [before.width, before.height, 3], `channel ${c}`);
    const rgb = Buffer.from(before.data.filter((_, i) => i % 4 !== 3));
    assert.ok(Buffer.from(now.data.buffer, now.data.byteOffset, now.data.byteLength).equals(rgb), `channel ${c}: pixels differ`);
  }
});
