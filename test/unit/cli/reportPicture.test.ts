// The report's pictures at the size the page shows them: wider ones shrunk to the page's column (averaged, not
// sampled), a full-size copy only where it is linked, and feature maps stored at one pixel a value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { figure } from '../../../src/cli/report/html';
import { DISPLAY_WIDTH, shrinkToWidth, writePicture } from '../../../src/cli/report/reportPicture';
import { tempFolder } from '../topk/topkFixtures';

/** width × height, columns alternating black and white: a sampled shrink keeps one of them, an averaged one grey. */
function stripes(width: number, height: number) {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) rgba.set((p % width) % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255], p * 4);
  return { width, height, rgba };
}

test('a picture wider than the page is shrunk to it by averaging; one that fits is kept as it is', () => {
  const small = stripes(DISPLAY_WIDTH, 4);
  assert.equal(shrinkToWidth(small), small);
  const wide = shrinkToWidth(stripes(2 * DISPLAY_WIDTH, 100));
  assert.deepEqual([wide.width, wide.height], [DISPLAY_WIDTH, 50]);
  const middle = (25 * DISPLAY_WIDTH + 500) * 4;
  assert.ok(Math.abs(wide.rgba[middle] - 128) <= 2, `grey, not a sampled stripe: ${wide.rgba[middle]}`);
});

test('writePicture keeps the full size only when asked and only when it shrank; the figure links it', async () => {
  const dir = tempFolder('layer-lens-report-picture-');
  const linked = await writePicture(dir, 'atlas-x.png', stripes(1813, 20), true);
  assert.deepEqual(linked, { src: 'atlas-x.png', href: 'atlas-x.full.png', width: DISPLAY_WIDTH, height: 12 });
  assert.equal(decode(readFileSync(join(dir, 'atlas-x.png'))).width, DISPLAY_WIDTH);
  assert.equal(decode(readFileSync(join(dir, 'atlas-x.full.png'))).width, 1813);
  await writePicture(dir, 'topk-x-0.png', stripes(1812, 20));
  await writePicture(dir, 'atlas-small.png', stripes(600, 20), true);
  assert.deepEqual(readdirSync(dir).sort(), ['atlas-small.png', 'atlas-x.full.png', 'atlas-x.png', 'topk-x-0.png']);
  assert.ok(!existsSync(join(dir, 'topk-x-0.full.png')));
  const html = figure(linked.src, 'a & b', linked.width, linked);
  assert.equal(html, '<figure><a href="atlas-x.full.png"><img class="px" src="atlas-x.png" width="1068" height="12" loading="lazy" alt="a &#38; b"></a><figcaption>a &#38; b · <a href="atlas-x.full.png">full size</a></figcaption></figure>');
});
