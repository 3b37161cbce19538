// Broken and malicious image files: each must end in one sentence that names the file, quickly and in bounded
// memory, and none may be accepted. The files are built in code (imageFixtures.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Unzlib } from 'fflate';
import { decodeImage } from '../../../src/core/image';
import { useWebpWasmFromDisk } from '../../../src/core/node/nodeWebpWasm';
import { LayerLensError } from '../../../src/shared/errors';
import { repoRoot } from '../../helpers/paths';
import { bmp, bmpWithGap, bmpWithPixelOffset, gif, gifWithFrameSize, gifWithScreen, jpeg, png, pngBomb, pngWithIdat, webp } from './imageFixtures';

useWebpWasmFromDisk();

/** Words of the JavaScript engine or of Node that mean nothing to a user. */
const ENGINE_WORDS = /DataView|out of range|Offset is|undefined|Cannot read|is not a function|RangeError|TypeError|ERR_|Received/;

async function refused(bytes: Uint8Array, fileName: string): Promise<LayerLensError> {
  try {
    await decodeImage(bytes, fileName);
  } catch (e) {
    assert.ok(e instanceof LayerLensError, `expected LayerLensError, got ${String(e)}`);
    assert.ok(e.message.startsWith(fileName), `the message starts with the file: ${e.message}`);
    assert.ok(e.message.endsWith('.'), `one sentence: ${e.message}`);
    assert.equal(e.message.split(/\.\s/).length, 1, `one sentence: ${e.message}`);
    assert.doesNotMatch(e.message, ENGINE_WORDS);
    return e;
  }
  assert.fail(`${fileName} was accepted`);
}

/** Runs one fixture's decode in a fresh process; see peakMemoryChild.ts. */
function decodeInChild(kind: string): { message: string; growthMB: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/unit/image/peakMemoryChild.ts'), kind], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, `child for ${kind} ended with ${r.status ?? r.signal}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { message: string; growthMB: number };
}

test('a 1 MB PNG whose 16 × 16 header hides 1 GiB of pixel data is refused while inflating, in bounded memory', { timeout: 60_000 }, () => {
  const bomb = pngBomb(1024);
  assert.ok(bomb.length < 1.2e6, `the bomb is ${bomb.length} bytes`);
  const { message, growthMB } = decodeInChild('png-bomb-1gib');
  assert.match(message, /^bomb\.png looks like a PNG image but could not be decoded: its compressed pixel data inflates past the 1,040 bytes its 16 × 16 header allows\.$/);
  // Unbounded, fast-png holds the whole GiB (and more while growing its buffer).
  assert.ok(growthMB < 100, `peak RSS grew by ${growthMB.toFixed(0)} MB`);
});

test('a PNG whose colour profile hides 1 GiB still decodes, without inflating the profile', { timeout: 60_000 }, () => {
  const { message, growthMB } = decodeInChild('png-profile-bomb-1gib');
  assert.equal(message, 'accepted 2 × 1: 10 20 30 255');
  assert.ok(growthMB < 100, `peak RSS grew by ${growthMB.toFixed(0)} MB`);
});

test('PNG pixel data must match its header: too much, too little, none, or not zlib', async () => {
  // The inflater the check uses (fflate's Unzlib), watched: the refusal must come before most of the bomb is read.
  const inflating = { read: 0, made: 0 };
  const push = Unzlib.prototype.push;
  Unzlib.prototype.push = function (this: Unzlib, chunk: Uint8Array, final?: boolean) {
    const ondata = this.ondata;
    this.ondata = (data, last) => ((inflating.made += data.length), ondata.call(this, data, last));
    inflating.read += chunk.length;
    try {
      return push.call(this, chunk, final);
    } finally {
      this.ondata = ondata;
    }
  };
  const bomb = pngBomb(64);
  try {
    await refused(bomb, 'bomb.png');
  } finally {
    Unzlib.prototype.push = push;
  }
  assert.ok(inflating.read > 0, 'the check never inflated: the watch is broken');
  assert.ok(inflating.read < bomb.length / 2, `refused after reading ${inflating.read} of the bomb's ${bomb.length} bytes`);
  assert.ok(inflating.made < 32 * 2 ** 20, `refused after inflating ${inflating.made} of its 64 MiB`);
  // A bomb whose size hides behind a large header is still held to that header.
  const big = await refused(pngBomb(200, 1000, 1000), 'big.png');
  assert.match(big.message, /4,001,000 bytes its 1000 × 1000 header allows/);
  // 16 × 16 RGBA needs 16 rows of 1 + 64 bytes; give it 10 rows.
  const { deflateSync } = await import('node:zlib');
  const short = await refused(pngWithIdat(16, 16, 6, deflateSync(new Uint8Array(10 * 65))), 'short.png');
  assert.match(short.message, /holds 650 of the 1,040 bytes/);
  await refused(pngWithIdat(16, 16, 6, new Uint8Array(64).fill(0x5a)), 'garbage.png');
  const ok = png({ width: 4, height: 4, data: new Uint8Array(64).fill(9), channels: 4, depth: 8 });
  const noIdat = Buffer.concat([ok.subarray(0, 33), ok.subarray(ok.length - 12)]);
  assert.match((await refused(noIdat, 'noidat.png')).message, /no IDAT chunk/);
  // The exact size the header implies is fine.
  const exact = await decodeImage(pngWithIdat(16, 16, 6, deflateSync(new Uint8Array(16 * 65))), 'exact.png');
  assert.deepEqual([exact.width, exact.height], [16, 16]);
});

test('an interlaced PNG is held to the size of its seven passes', async () => {
  const w = 13;
  const h = 7;
  const rgba = new Uint8Array(w * h * 4).map((_, i) => (i * 29) % 256);
  const { encode } = await import('fast-png');
  const adam7 = encode({ width: w, height: h, data: rgba, channels: 4, depth: 8 }, { interlace: 'Adam7' });
  const img = await decodeImage(adam7, 'adam7.png');
  assert.deepEqual(Array.from(img.data.subarray(0, 8)), Array.from(rgba.subarray(0, 8)));
  assert.deepEqual(Array.from(img.data.subarray(-4)), Array.from(rgba.subarray(-4)));
});

/** Every cut of a file shorter than it must be refused with one sentence (no cut may pass as an image). */
async function everyCutRefused(bytes: Uint8Array, name: string, keep = 0): Promise<void> {
  for (let n = 0; n < bytes.length - keep; n++) await refused(bytes.subarray(0, n), name);
}

test('a PNG, JPEG, BMP, GIF or WebP cut short anywhere is refused with one sentence naming it', async () => {
  const w = 8;
  const h = 6;
  const rgba = new Uint8Array(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256));
  await everyCutRefused(png({ width: w, height: h, data: rgba, channels: 4, depth: 8 }), 'cut.png');
  await everyCutRefused(jpeg(rgba, w, h, 90), 'cut.jpg');
  // 8 pixels of 24 bits fill rows of 24 bytes, so no row padding could be legitimately left off at the end.
  await everyCutRefused(bmp({ width: w, height: h, rgb: Array.from({ length: w * h * 3 }, (_, i) => i % 256) }), 'cut.bmp');
  // Only the GIF trailer (its last byte) may be missing: every pixel is there before it.
  await everyCutRefused(gif(w, h, Array.from({ length: w * h }, (_, i) => i % 4), [0, 0xff0000, 0xff00, 0xff]), 'cut.gif', 1);
  await everyCutRefused(await webp(rgba, w, h, true), 'cut.webp');
  await everyCutRefused(await webp(rgba, w, h, false), 'lossy.webp');
});

test('a GIF frame that does not fit its screen is refused before its pixels are decoded', { timeout: 60_000 }, async () => {
  const small = gif(4, 4, Array.from({ length: 16 }, (_, i) => i % 2), [0x000000, 0xffffff]);
  const huge = await refused(gifWithFrameSize(small, 65535, 65535), 'frame.gif');
  assert.match(huge.message, /first frame \(65535 × 65535 at 0, 0\) does not fit its 4 × 4 screen/);
  await refused(gifWithFrameSize(small, 4, 4, 1, 0), 'shifted.gif');
  // Unbounded, omggif sizes a buffer from the frame: 4 GB and minutes.
  const { message, growthMB } = decodeInChild('gif-frame-beyond-screen');
  assert.match(message, /^frame\.gif looks like a GIF image/);
  assert.ok(growthMB < 100, `peak RSS grew by ${growthMB.toFixed(0)} MB`);
});

test('a GIF frame with fewer pixels than its size is refused, and omggif\'s warning never reaches stdout', async () => {
  // The 4 × 4 frame's data, declared as 8 × 8 on an 8 × 8 screen: its pixel stream ends early.
  const small = gif(4, 4, Array.from({ length: 16 }, (_, i) => i % 2), [0x000000, 0xffffff]);
  const lying = gifWithFrameSize(gifWithScreen(small, 8, 8), 8, 8);
  const logged: unknown[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => logged.push(args);
  try {
    const e = await refused(lying, 'short.gif');
    assert.match(e.message, /fewer pixels than its size says/);
  } finally {
    console.log = log;
  }
  assert.deepEqual(logged, []);
});

test('a BMP whose pixel offset lies beyond its end, or inside its header, is refused; a gap before the pixels is honoured', async () => {
  const good = bmp({ width: 4, height: 2, rgb: [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] });
  const beyond = await refused(bmpWithPixelOffset(good, 1_000_000), 'offset.bmp');
  assert.match(beyond.message, /pixel data offset 1000000 lies beyond its end/);
  await refused(bmpWithPixelOffset(good, good.length), 'atend.bmp');
  await refused(bmpWithPixelOffset(good, 20), 'inside.bmp');
  const gap = await decodeImage(bmpWithGap(good, 30), 'gap.bmp');
  const plain = await decodeImage(good, 'plain.bmp');
  assert.deepEqual(Array.from(gap.data), Array.from(plain.data));
  assert.deepEqual(Array.from(plain.data.subarray(0, 4)), [255, 0, 0, 255]);
});

test('a BMP with an impossible depth, compression or palette is refused', async () => {
  const good = bmp({ width: 2, height: 2, rgb: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] });
  const patch = (at: number, value: number, bytes: 2 | 4) => {
    const b = good.slice();
    const v = new DataView(b.buffer);
    if (bytes === 2) v.setUint16(at, value, true);
    else v.setUint32(at, value, true);
    return b;
  };
  assert.match((await refused(patch(28, 7, 2), 'depth.bmp')).message, /bit depth of 7/);
  assert.match((await refused(patch(30, 4, 4), 'jpeg-in.bmp')).message, /compression type 4/);
  assert.match((await refused(patch(46, 100_000, 4), 'palette.bmp')).message, /palette claims 100000 colours/);
  assert.match((await refused(patch(14, 64, 4), 'header.bmp')).message, /64-byte info header/);
});

test('disguised files are refused by their content, whatever their name', async () => {
  const encode = (s: string) => new TextEncoder().encode(s);
  await refused(encode('<!DOCTYPE html><html><body>not a gif</body></html>'), 'page.gif');
  await refused(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0, 1, 2, 3, 4, 5, 6]), 'archive.jpg');
  await refused(encode('GIF89a'), 'stub.gif');
  await refused(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'header.png');
  // A real JPEG's bytes behind a PNG signature are neither.
  const jpg = jpeg(new Uint8Array(64 * 4).fill(128), 8, 8);
  await refused(Buffer.concat([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), jpg]), 'mixed.png');
});
