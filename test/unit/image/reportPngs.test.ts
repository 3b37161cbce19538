// The report's pictures go through the Node PNG writer: every file it started is on disk, whole and with the
// pixels it was given, once withPngWriter returns — also when the drawing fails half-way; feature-map grids
// ('lz77') keep fast-png's bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { encodePng } from '../../../src/core/image/encodePng';
import { withPngWriter, writePicture, writePng } from '../../../src/cli/report/reportPicture';
import { tempFolder } from '../topk/topkFixtures';

/** A picture whose every pixel says which picture and where it is; `alpha` below 255 keeps it RGBA. */
function picture(n: number, width: number, height: number, alpha = 255): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) rgba.set([n * 13, p % 251, (p * 7) % 256, alpha], p * 4);
  return rgba;
}

function pixels(file: string): { width: number; height: number; rgba: Uint8Array } {
  const png = decode(readFileSync(file));
  const data = new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength);
  if (png.channels === 4) return { width: png.width, height: png.height, rgba: data };
  const rgba = new Uint8Array(png.width * png.height * 4).fill(255);
  for (let p = 0; p < png.width * png.height; p++) rgba.set(data.subarray(p * 3, p * 3 + 3), p * 4);
  return { width: png.width, height: png.height, rgba };
}

test('withPngWriter: more pictures than it keeps in flight, each on disk with its pixels when it returns', async () => {
  const dir = tempFolder('layer-lens-report-pngs-');
  const count = 20;
  const written = await withPngWriter(async (pngs) => {
    const names: string[] = [];
    for (let n = 0; n < count; n++) {
      const file = `p-${n}.png`;
      await writePng(dir, file, picture(n, 37, 5 + n, n % 3 === 0 ? 200 : 255), 37, 5 + n, pngs);
      names.push(file);
    }
    return names;
  });
  assert.equal(written.length, count);
  for (let n = 0; n < count; n++) {
    const got = pixels(join(dir, `p-${n}.png`));
    assert.deepEqual([got.width, got.height], [37, 5 + n]);
    assert.ok(Buffer.from(got.rgba).equals(Buffer.from(picture(n, 37, 5 + n, n % 3 === 0 ? 200 : 255))), `picture ${n}`);
  }
  assert.deepEqual(readdirSync(dir).filter((f) => !f.endsWith('.png')), [], 'no temporary file left');
});

test('withPngWriter: a drawing that fails still leaves the pictures it started whole, then throws its error', async () => {
  const dir = tempFolder('layer-lens-report-pngs-fail-');
  await assert.rejects(
    withPngWriter(async (pngs) => {
      for (let n = 0; n < 3; n++) await writePicture(dir, `f-${n}.png`, { width: 64, height: 64, rgba: picture(n, 64, 64) }, false, pngs);
      throw new Error('the drawing failed');
    }),
    /the drawing failed/,
  );
  for (let n = 0; n < 3; n++) assert.ok(Buffer.from(pixels(join(dir, `f-${n}.png`)).rgba).equals(Buffer.from(picture(n, 64, 64))), `f-${n}`);
  assert.ok(!existsSync(join(dir, 'f-3.png')));
});

test('writePng without a writer has the file on disk when it returns; a wrong size is refused', async () => {
  const dir = tempFolder('layer-lens-report-pngs-one-');
  await writePng(dir, 'one.png', picture(1, 9, 4), 9, 4);
  assert.ok(Buffer.from(pixels(join(dir, 'one.png')).rgba).equals(Buffer.from(picture(1, 9, 4))));
  // Feature-map grids keep fast-png's bytes: unfiltered LZ77 finds their repeated colours.
  await writePng(dir, 'maps.png', picture(2, 9, 4), 9, 4, 'lz77');
  assert.ok(readFileSync(join(dir, 'maps.png')).equals(Buffer.from(encodePng(picture(2, 9, 4), 9, 4))));
  await assert.rejects(writePng(dir, 'bad.png', new Uint8ClampedArray(10), 9, 4), RangeError);
  assert.ok(!existsSync(join(dir, 'bad.png')));
});
