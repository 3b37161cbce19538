import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode } from 'fast-png';
import { encodePng } from '../../../src/core/image/encodePng';
import { pngScanlines } from '../../../src/core/image/pngEncoder';
import { encodePngFile } from '../../../src/core/node/pngFiles';

function noise(width: number, height: number, seed: number, opaque: boolean): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * height * 4);
  let s = seed;
  for (let i = 0; i < rgba.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    rgba[i] = opaque && i % 4 === 3 ? 255 : s >>> 24;
  }
  return rgba;
}

/** Flat areas, gradients and noise side by side, as a top-k row has (white gaps, black bars, photos). */
function mixed(width: number, height: number): Uint8ClampedArray {
  const rgba = noise(width, height, 7, true);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      if (x < width / 3) rgba.set([255, 255, 255], i);
      else if (x < (2 * width) / 3) rgba.set([x & 255, y & 255, (x + y) & 255], i);
    }
  }
  return rgba;
}

const SIZES: [number, number][] = [[1, 1], [1, 9], [9, 1], [2, 3], [31, 17], [300, 40]];

test('encodePng writes the bytes fast-png wrote (RGBA, unfiltered, level 3)', () => {
  for (const [w, h] of SIZES) {
    for (const rgba of [noise(w, h, w * 7 + h, false), mixed(w, h)]) {
      const old = encode({ width: w, height: h, data: new Uint8Array(rgba.buffer), channels: 4, depth: 8 });
      assert.ok(Buffer.from(encodePng(rgba, w, h)).equals(Buffer.from(old)), `${w}×${h}`);
    }
  }
  assert.throws(() => encodePng(new Uint8Array(12), 2, 2), RangeError);
});

test('encodePngFile: an opaque picture becomes RGB that decodes to the pixels the old encoder stored', async () => {
  for (const [w, h] of SIZES) {
    for (const rgba of [noise(w, h, w + 3 * h, true), mixed(w, h)]) {
      const png = decode(await encodePngFile(rgba, w, h));
      const before = decode(encode({ width: w, height: h, data: new Uint8Array(rgba.buffer), channels: 4, depth: 8 }));
      assert.deepEqual([png.width, png.height, png.channels, png.depth], [w, h, 3, 8], `${w}×${h}`);
      const rgb = before.data.filter((_, i) => i % 4 !== 3);
      assert.ok(Buffer.from(png.data.buffer, png.data.byteOffset, png.data.byteLength).equals(Buffer.from(rgb)), `${w}×${h}: pixels differ`);
    }
  }
});

test('encodePngFile keeps the alpha of a picture that is not opaque', async () => {
  for (const [w, h] of SIZES) {
    const rgba = noise(w, h, 5 * w + h, false);
    rgba[3] = 254; // at least one pixel not opaque, even at 1 × 1
    const png = decode(await encodePngFile(rgba, w, h));
    assert.equal(png.channels, 4);
    assert.ok(Buffer.from(png.data.buffer, png.data.byteOffset, png.data.byteLength).equals(Buffer.from(rgba)), `${w}×${h}`);
  }
  await assert.rejects(encodePngFile(new Uint8Array(15), 2, 2), RangeError);
});

test('the Paeth scanlines of a picture invert to its bytes (a filter byte 4 per row)', () => {
  const [w, h] = [23, 11];
  const rgba = noise(w, h, 9, true);
  const { channels, data } = pngScanlines(rgba, w, h, { dropAlpha: true, filter: 'paeth' });
  assert.equal(channels, 3);
  const stride = w * 3;
  const out = new Uint8Array(h * stride);
  for (let y = 0; y < h; y++) {
    assert.equal(data[y * (stride + 1)], 4);
    for (let i = 0; i < stride; i++) {
      const a = i >= 3 ? out[y * stride + i - 3]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + i]! : 0;
      const c = i >= 3 && y > 0 ? out[(y - 1) * stride + i - 3]! : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      out[y * stride + i] = (data[y * (stride + 1) + 1 + i]! + pred) & 255;
    }
  }
  assert.deepEqual(Array.from(out), Array.from(rgba).filter((_, i) => i % 4 !== 3));
});
