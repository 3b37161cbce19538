import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RgbaImage } from '../../../src/core/preprocess/display';
import { channelRow, rowLayout, type RowLayout } from '../../../src/core/topk/topkPictures';
import type { PixelBox, TopkEntry } from '../../../src/shared/topk';
import { referenceChannelRow } from './channelRowReference';

/** A deterministic picture with every byte varying, alpha included (the row must still come out opaque). */
function picture(width: number, height: number, seed: number, offset = 0): RgbaImage {
  const backing = new Uint8ClampedArray(width * height * 4 + offset);
  let s = seed;
  for (let i = offset; i < backing.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    backing[i] = s >>> 24;
  }
  return { width, height, data: offset ? backing.subarray(offset) : backing };
}

function entry(file: string, box: PixelBox): TopkEntry {
  return { file, value: 1, mean: 0, x: 0, y: 0, box };
}

function assertSameRow(entries: TopkEntry[], k: number, images: Map<string, RgbaImage>, layout: RowLayout, what: string): void {
  const got = channelRow(entries, k, images, layout);
  const want = referenceChannelRow(entries, k, images, layout);
  assert.deepEqual([got.width, got.height], [want.width, want.height], what);
  assert.ok(Buffer.from(got.rgba).equals(Buffer.from(want.rgba)), `${what}: the pixels differ from the per-byte drawing`);
}

test('channelRow draws the very pixels of the per-byte drawing: model-size images, crops of every size, empty slots', () => {
  const images = new Map([['a', picture(224, 224, 1)], ['b', picture(224, 224, 2)]]);
  const layout = rowLayout({ input: [224, 224] });
  const boxes: PixelBox[] = [
    { x: 0, y: 0, width: 224, height: 224 },
    { x: 100, y: 37, width: 1, height: 1 },
    { x: 0, y: 0, width: 35, height: 35 },
    { x: 189, y: 150, width: 35, height: 74 },
    { x: 13, y: 200, width: 99, height: 24 },
  ];
  const entries = boxes.map((box, i) => entry(i % 2 ? 'b' : 'a', box));
  assertSameRow(entries, 5, images, layout, 'five entries');
  assertSameRow(entries.slice(0, 3), 5, images, layout, 'fewer entries than slots');
  assertSameRow([entry('gone', boxes[1]!), ...entries.slice(0, 2)], 3, images, layout, 'an entry whose image is missing');
  assertSameRow([], 2, images, layout, 'no entries');
});

test('channelRow matches the per-byte drawing when enlarging, shrinking, on non-square and unaligned pixel buffers', () => {
  const digits = new Map([['d', picture(28, 28, 3)]]);
  const box = { x: 20, y: 5, width: 8, height: 3 };
  assertSameRow([entry('d', box), entry('d', { x: 0, y: 0, width: 28, height: 28 })], 2, digits, rowLayout({ input: [28, 28] }), 'MNIST enlarged 4×');
  assertSameRow([entry('d', box)], 1, digits, { tile: 20, gap: 2, split: 8 }, 'shrunk below the image size');
  assertSameRow([entry('d', box)], 1, digits, { tile: 9, gap: 0, split: 0 }, 'a tile smaller than a third of the image');
  const wide = new Map([['w', picture(30, 20, 4)], ['u', picture(17, 13, 5, 1)]]);
  assertSameRow([entry('w', { x: 3, y: 2, width: 27, height: 5 }), entry('u', { x: 0, y: 12, width: 17, height: 1 })], 3, wide, rowLayout({ input: [20, 30] }), 'non-square, unaligned');
});
