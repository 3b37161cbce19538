import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeImage, readImageHeader } from '../../../src/core/image';
import { useWebpWasmFromDisk } from '../../../src/core/node/nodeWebpWasm';
import { LayerLensError } from '../../../src/shared/errors';
import { bmp, gif, jpeg, png, pngHeaderOnly, webp, withExifOrientation } from './imageFixtures';

useWebpWasmFromDisk();

function px(img: { data: ArrayLike<number>; width: number }, x: number, y: number): number[] {
  const o = (y * img.width + x) * 4;
  return [img.data[o], img.data[o + 1], img.data[o + 2], img.data[o + 3]];
}

async function rejects(p: Promise<unknown>, code: string, fileName: string): Promise<LayerLensError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof LayerLensError, `expected LayerLensError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.ok(e.message.includes(fileName), `message names the file: ${e.message}`);
    assert.equal(e.message.split('. ').length, 1, `one sentence: ${e.message}`);
    return e;
  }
  assert.fail('expected a rejection');
}

test('PNG 8-bit gray, RGB, RGBA', async () => {
  const gray = await decodeImage(png({ width: 3, height: 1, data: new Uint8Array([0, 128, 255]), channels: 1, depth: 8 }), 'g.png');
  assert.equal(gray.channels, 1);
  assert.equal(gray.maxValue, 255);
  assert.deepEqual(px(gray, 1, 0), [128, 128, 128, 255]);

  const rgb = await decodeImage(png({ width: 2, height: 1, data: new Uint8Array([1, 2, 3, 4, 5, 6]), channels: 3, depth: 8 }), 'c.png');
  assert.equal(rgb.channels, 3);
  assert.deepEqual(px(rgb, 1, 0), [4, 5, 6, 255]);

  const rgba = await decodeImage(png({ width: 1, height: 2, data: new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2]), channels: 4, depth: 8 }), 'a.png');
  assert.equal(rgba.channels, 4);
  assert.deepEqual([rgba.width, rgba.height], [1, 2]);
  assert.deepEqual(px(rgba, 0, 1), [5, 4, 3, 2]);
});

test('PNG 16-bit keeps full precision', async () => {
  const img = await decodeImage(png({ width: 2, height: 1, data: new Uint16Array([1000, 65535]), channels: 1, depth: 16 }), 'g16.png');
  assert.equal(img.maxValue, 65535);
  assert.ok(img.data instanceof Uint16Array);
  assert.deepEqual(px(img, 0, 0), [1000, 1000, 1000, 65535]);
  const rgba = await decodeImage(png({ width: 1, height: 1, data: new Uint16Array([1, 2, 3, 4]), channels: 4, depth: 16 }), 'c16.png');
  assert.deepEqual(px(rgba, 0, 0), [1, 2, 3, 4]);
});

test('PNG palette with and without transparency, and packed 1-bit gray', async () => {
  const palette = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]];
  const img = await decodeImage(png({ width: 4, height: 1, data: new Uint8Array([3, 2, 1, 0]), channels: 1, depth: 8, palette }), 'p.png');
  assert.equal(img.channels, 3);
  assert.deepEqual(px(img, 0, 0), [10, 20, 30, 255]);
  assert.deepEqual(px(img, 3, 0), [255, 0, 0, 255]);

  const alphaPalette = [[255, 0, 0, 128], [0, 255, 0, 255]];
  const t = await decodeImage(png({ width: 2, height: 1, data: new Uint8Array([0, 1]), channels: 1, depth: 8, palette: alphaPalette }), 't.png');
  assert.equal(t.channels, 4);
  assert.deepEqual(px(t, 0, 0), [255, 0, 0, 128]);

  // 10 pixels at 1 bit: 0b10110000 0b01000000.
  const bits = await decodeImage(png({ width: 10, height: 1, data: new Uint8Array([0b10110000, 0b01000000]), channels: 1, depth: 1 }), 'b.png');
  assert.deepEqual(Array.from({ length: 10 }, (_, x) => px(bits, x, 0)[0]), [255, 0, 255, 255, 0, 0, 0, 0, 0, 255]);
});

test('JPEG gray and color decode near the encoded values', async () => {
  const w = 16;
  const h = 8;
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) rgba.set(i % w < w / 2 ? [220, 30, 30, 255] : [30, 30, 220, 255], i * 4);
  const img = await decodeImage(jpeg(rgba, w, h), 'photo.jpg');
  assert.equal(img.format, 'jpeg');
  assert.equal(img.channels, 3);
  assert.deepEqual([img.width, img.height], [16, 8]);
  const left = px(img, 2, 4);
  const right = px(img, 13, 4);
  assert.ok(left[0] > 180 && left[2] < 70, `left is red: ${left}`);
  assert.ok(right[2] > 180 && right[0] < 70, `right is blue: ${right}`);
});

test('JPEG EXIF orientation 6 turns the stored picture 90° clockwise', async () => {
  const w = 16;
  const h = 8;
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) rgba.set(i % w < w / 2 ? [220, 30, 30, 255] : [30, 30, 220, 255], i * 4);
  const img = await decodeImage(withExifOrientation(jpeg(rgba, w, h), 6), 'rotated.jpg');
  assert.deepEqual([img.width, img.height], [8, 16]);
  // Stored left (red) becomes the top; stored right (blue) the bottom.
  assert.ok(px(img, 4, 2)[0] > 180, `top is red: ${px(img, 4, 2)}`);
  assert.ok(px(img, 4, 13)[2] > 180, `bottom is blue: ${px(img, 4, 13)}`);

  const eight = await decodeImage(withExifOrientation(jpeg(rgba, w, h), 8), 'ccw.jpg');
  assert.deepEqual([eight.width, eight.height], [8, 16]);
  assert.ok(px(eight, 4, 2)[2] > 180, `orientation 8: top is blue: ${px(eight, 4, 2)}`);
});

test('GIF first frame, with a transparent index', async () => {
  const palette = [0x000000, 0xff0000, 0x00ff00, 0x0000ff];
  const img = await decodeImage(gif(2, 2, [1, 2, 3, 0], palette), 'a.gif');
  assert.equal(img.channels, 3);
  assert.deepEqual(px(img, 0, 0), [255, 0, 0, 255]);
  assert.deepEqual(px(img, 0, 1), [0, 0, 255, 255]);
  const t = await decodeImage(gif(2, 1, [0, 2], palette, 0), 't.gif');
  assert.equal(t.channels, 4);
  assert.equal(px(t, 0, 0)[3], 0);
  assert.deepEqual(px(t, 1, 0), [0, 255, 0, 255]);
});

test('BMP 24-bit bottom-up and top-down, 8-bit gray palette', async () => {
  const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90];
  for (const topDown of [false, true]) {
    const img = await decodeImage(bmp({ width: 3, height: 2, rgb, topDown }), 'c.bmp');
    assert.equal(img.channels, 3);
    assert.deepEqual(px(img, 0, 0), [255, 0, 0, 255]);
    assert.deepEqual(px(img, 2, 1), [70, 80, 90, 255]);
  }
  const palette = Array.from({ length: 256 }, (_, i) => [i, i, i]);
  const g = await decodeImage(bmp({ width: 2, height: 2, indices: [0, 50, 100, 255], palette }), 'g.bmp');
  assert.equal(g.channels, 1);
  assert.deepEqual(px(g, 1, 0), [50, 50, 50, 255]);
  assert.deepEqual(px(g, 1, 1), [255, 255, 255, 255]);
});

test('WebP lossless is exact, lossy is close, alpha is reported', async () => {
  const w = 5;
  const h = 3;
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 37) % 256 | (i % 4 === 3 ? 0x80 : 0);
  const exact = await decodeImage(await webp(rgba, w, h, true), 'l.webp');
  assert.equal(exact.channels, 4);
  assert.deepEqual(Array.from(exact.data), Array.from(rgba));

  const flat = new Uint8Array(16 * 16 * 4);
  for (let i = 0; i < 256; i++) flat.set([200, 100, 50, 255], i * 4);
  const lossyBytes = await webp(flat, 16, 16, false);
  assert.deepEqual(readImageHeader(lossyBytes, 'q.webp'), { format: 'webp', width: 16, height: 16 });
  const lossy = await decodeImage(lossyBytes, 'q.webp');
  assert.equal(lossy.channels, 3);
  const [r, g, b] = px(lossy, 8, 8);
  assert.ok(Math.abs(r - 200) < 8 && Math.abs(g - 100) < 8 && Math.abs(b - 50) < 8, `${r},${g},${b}`);
});

test('an image over 50 megapixels is refused from its header, before decoding', async () => {
  // A header with no pixel data after it: decoding it fails as notAnImage (the small one shows it), so a refusal
  // as imageTooLarge is one made from the header, before any decoding.
  await rejects(decodeImage(pngHeaderOnly(16, 16), 'small.png'), 'notAnImage', 'small.png');
  const e = await rejects(decodeImage(pngHeaderOnly(20000, 20000), 'huge.png'), 'imageTooLarge', 'huge.png');
  assert.match(e.message, /20000 × 20000/);

  // JPEG: SOI, then an SOF0 claiming 10000 × 6000, nothing else.
  const sof = new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 6000 >> 8, 6000 & 0xff, 10000 >> 8, 10000 & 0xff, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]);
  await rejects(decodeImage(sof, 'big.jpg'), 'imageTooLarge', 'big.jpg');
  // GIF: logical screen 65535 × 65535.
  await rejects(decodeImage(new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0xff, 0xff, 0xff, 0xff, 0, 0, 0]), 'big.gif'), 'imageTooLarge', 'big.gif');
  // WebP VP8X canvas 16384 × 16384.
  const vp8x = new Uint8Array(30);
  vp8x.set([0x52, 0x49, 0x46, 0x46, 22, 0, 0, 0, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x58, 10, 0, 0, 0, 0, 0, 0, 0, 0xff, 0x3f, 0, 0xff, 0x3f, 0]);
  await rejects(decodeImage(vp8x, 'big.webp'), 'imageTooLarge', 'big.webp');
  // BMP 10000 × 10000 with a bare header.
  const b = bmp({ width: 1, height: 1, rgb: [0, 0, 0] });
  new DataView(b.buffer).setInt32(18, 10000, true);
  new DataView(b.buffer).setInt32(22, 10000, true);
  await rejects(decodeImage(b, 'big.bmp'), 'imageTooLarge', 'big.bmp');
});

test('non-images and corrupt files get one sentence naming the file', async () => {
  await rejects(decodeImage(new TextEncoder().encode('hello, world'), 'notes.txt'), 'notAnImage', 'notes.txt');
  await rejects(decodeImage(new Uint8Array(0), 'empty.png'), 'notAnImage', 'empty.png');
  const good = png({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 3).fill(7), channels: 3, depth: 8 });
  const cut = await rejects(decodeImage(good.subarray(0, 40), 'cut.png'), 'notAnImage', 'cut.png');
  assert.match(cut.message, /looks like a PNG/);
  const garbage = new Uint8Array(64).map((_, i) => (i * 91) % 256);
  garbage.set([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0, 8, 0, 8, 3]);
  await rejects(decodeImage(garbage, 'bad.jpg'), 'notAnImage', 'bad.jpg');
  await rejects(decodeImage(new Uint8Array([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]), 'scan.tif'), 'notAnImage', 'scan.tif');
});
