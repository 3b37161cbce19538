// Images given to `activations --input`: valid ones in every decoded format, and truncated, oversized, bomb and
// disguised ones; hostile .npy inputs too.
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths';
import { CaseFolder, GiB, npyBytes, parseJson } from './corpusTypes';
import type { CaseRun, HostileCase } from './corpusTypes';
import { bmp, digitPng, gif, jpeg, pngBomb, pngFromParts, pngRgba } from './imageBytes';

const sampleModel = join(repoRoot, 'models/mnist-cnn/model.json');

function conv1Shape(run: CaseRun): string | null {
  const r = parseJson<{ files?: { layer: string; shape: number[] }[] }>(run.stdout);
  if (typeof r === 'string') return r;
  const conv = r.files?.find((x) => x.layer === 'conv1');
  return conv?.shape.join(',') === '1,26,26,16' ? null : `conv1 missing or of the wrong shape: ${JSON.stringify(conv)}`;
}

export async function imageCases(f: CaseFolder): Promise<HostileCase[]> {
  const cases: HostileCase[] = [];
  const add = (name: string, what: string, bytes: Uint8Array | string | null, file: string, expect: 'accept' | 'refuse'): void => {
    const path = bytes === null ? f.path(`images/${name}/${file}`) : f.file(`images/${name}/${file}`, bytes);
    cases.push({
      id: `images/${name}`, cls: 'images', what, expect, names: [path, file],
      args: ['activations', '--model', sampleModel, '--input', path, '--layer', 'conv1', '--out', f.out(`images/${name}`), '--json'],
      check: expect === 'accept' ? conv1Shape : undefined,
    });
  };

  // Valid, in every format the decoder reads; sizes other than 28×28 are resized.
  add('valid-png-gray', 'a 28×28 gray PNG digit', digitPng(7), 'digit.png', 'accept');
  add('valid-png-rgba', 'a 40×30 RGBA PNG', pngRgba(40, 30), 'rgba.png', 'accept');
  add('valid-png-16bit', 'a 16-bit RGBA PNG', pngRgba(20, 20, 16), 'deep.png', 'accept');
  add('valid-jpeg', 'a 32×32 JPEG', jpeg(32, 32), 'photo.jpg', 'accept');
  add('valid-bmp', 'a 28×28 24-bit BMP', bmp(28, 28), 'scan.bmp', 'accept');
  add('valid-bmp-top-down', 'a top-down BMP (negative height)', bmp(28, 28, { height: -28 }), 'topdown.bmp', 'accept');
  add('valid-gif', 'a 28×28 GIF', gif(28, 28), 'anim.gif', 'accept');
  add('valid-png-named-jpg', 'a PNG named .jpg (decoded by its content)', digitPng(2), 'renamed.jpg', 'accept');
  add('valid-1x1', 'a 1×1 PNG', pngRgba(1, 1), 'dot.png', 'accept');

  // PNG.
  const png = pngRgba(24, 24);
  add('png-bomb-1gib', 'a 16×16 PNG whose pixels inflate to 1 GiB', await pngBomb(GiB), 'bomb.png', 'refuse');
  add('png-huge-header', 'a PNG header of 100000×100000', pngFromParts(100000, 100000, new Uint8Array([0x78, 0x9c, 0x03, 0, 0, 0, 0, 1])), 'huge.png', 'refuse');
  add('png-zero-size', 'a PNG header of 0×0', pngFromParts(0, 0, new Uint8Array([0x78, 0x9c, 0x03, 0, 0, 0, 0, 1])), 'empty.png', 'refuse');
  add('png-no-idat', 'a PNG without pixel data', pngFromParts(16, 16, null), 'noidat.png', 'refuse');
  const palette = pngFromParts(16, 16, new Uint8Array([0x78, 0x9c, 0x03, 0, 0, 0, 0, 1]));
  palette[8 + 8 + 9] = 3; // IHDR color type 3 (palette), but no PLTE chunk follows (the CRC no longer matches either)
  add('png-palette-without-plte', 'a palette PNG without a palette', palette, 'nopal.png', 'refuse');
  add('png-idat-garbage', 'a PNG whose pixel data is not zlib', pngFromParts(16, 16, new Uint8Array(64).fill(0xab)), 'garbage.png', 'refuse');
  for (const cut of [8, 33, png.length >> 1, png.length - 13]) {
    add(`png-truncated-${String(cut).padStart(4, '0')}`, `a PNG cut to ${cut} of ${png.length} bytes`, png.subarray(0, cut), 'cut.png', 'refuse');
  }
  // JPEG.
  const jpg = jpeg(32, 32);
  for (const cut of [3, 100, jpg.length >> 1]) {
    add(`jpeg-truncated-${String(cut).padStart(4, '0')}`, `a JPEG cut to ${cut} of ${jpg.length} bytes`, jpg.subarray(0, cut), 'cut.jpg', 'refuse');
  }
  const huge = jpg.slice();
  for (let i = 2; i + 8 < huge.length; i++) {
    if (huge[i] === 0xff && huge[i + 1] === 0xc0) {
      huge.set([0xff, 0xdc, 0xff, 0xdc], i + 5); // SOF0 height, width = 65500
      break;
    }
  }
  add('jpeg-huge-sof', 'a JPEG whose frame says 65500×65500', huge, 'huge.jpg', 'refuse');
  // BMP.
  add('bmp-offset-beyond', 'a BMP whose pixel offset lies beyond the file', bmp(28, 28, { offset: 1_000_000 }), 'offset.bmp', 'refuse');
  add('bmp-huge', 'a BMP header of 100000×100000', bmp(4, 4, { width: 100000, height: 100000 }), 'huge.bmp', 'refuse');
  add('bmp-zero-width', 'a BMP 0 pixels wide', bmp(4, 4, { width: 0 }), 'zero.bmp', 'refuse');
  add('bmp-bad-depth', 'a BMP of 7 bits per pixel', bmp(4, 4, { bpp: 7 }), 'depth.bmp', 'refuse');
  add('bmp-truncated', 'a BMP cut after its header', bmp(28, 28).subarray(0, 80), 'cut.bmp', 'refuse');
  // GIF and WebP.
  const g = gif(28, 28);
  add('gif-truncated', 'a GIF cut in its image data', g.subarray(0, 40), 'cut.gif', 'refuse');
  const hugeGif = g.slice();
  hugeGif.set([0xff, 0xff, 0xff, 0xff], 6);
  add('gif-huge-screen', 'a GIF screen of 65535×65535', hugeGif, 'huge.gif', 'refuse');
  const riff = Buffer.concat([Buffer.from('RIFF'), Buffer.from([200, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.from([100, 0, 0, 0, 1, 2, 3])]);
  add('webp-truncated', 'a WebP cut after its chunk header', riff, 'cut.webp', 'refuse');
  const vp8x = Buffer.alloc(30);
  vp8x.write('RIFF', 0, 'ascii');
  vp8x.writeUInt32LE(22, 4);
  vp8x.write('WEBPVP8X', 8, 'ascii');
  vp8x.writeUInt32LE(10, 16);
  vp8x.writeUIntLE(16383, 24, 3); // canvas 16384×16384 (width-1, height-1), and no image chunk at all
  vp8x.writeUIntLE(16383, 27, 3);
  add('webp-huge-canvas', 'a WebP header of 16384×16384 with no image data', vp8x, 'canvas.webp', 'refuse');
  const zeroGif = g.slice();
  zeroGif.set([0, 0, 0, 0], 6);
  add('gif-zero-screen', 'a GIF screen of 0×0', zeroGif, 'zero.gif', 'refuse');
  const zeroJpeg = jpg.slice();
  for (let i = 2; i + 8 < zeroJpeg.length; i++) {
    if (zeroJpeg[i] === 0xff && zeroJpeg[i + 1] === 0xc0) {
      zeroJpeg.set([0, 0], i + 5); // SOF0 height 0
      break;
    }
  }
  add('jpeg-zero-height', 'a JPEG whose frame is 0 pixels high', zeroJpeg, 'flat.jpg', 'refuse');
  // Disguised.
  add('text-as-png', 'a text file named .png', 'just some text, not an image\n', 'note.png', 'refuse');
  add('empty-png', 'an empty .png', '', 'empty.png', 'refuse');
  add('tiff-as-png', 'a TIFF named .png', Uint8Array.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, ...new Array(32).fill(0)]), 'scan.png', 'refuse');
  add('html-as-gif', 'an HTML page named .gif', '<!doctype html><title>x</title>', 'page.gif', 'refuse');
  add('zip-as-jpg', 'a zip archive named .jpg', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...new Array(60).fill(7)]), 'archive.jpg', 'refuse');
  const sparse = f.sparse('images/oversized-png/big.png', 3 * GiB, png);
  cases.push({
    id: 'images/oversized-png', cls: 'images', what: 'a 3 GiB file that starts as a PNG (sparse)', expect: 'refuse', names: [sparse, 'big.png'],
    args: ['activations', '--model', sampleModel, '--input', sparse, '--layer', 'conv1', '--out', f.out('images/oversized-png')],
  });

  // .npy inputs (already preprocessed tensors).
  const npy = npyBytes([1, 28, 28, 1], new Float32Array(784).fill(0.5));
  add('valid-npy', 'a 1×28×28×1 float32 .npy', npy, 'input.npy', 'accept');
  add('npy-truncated', 'an .npy cut in its data', npy.subarray(0, 300), 'cut.npy', 'refuse');
  add('npy-header-cut', 'an .npy cut in its header', npy.subarray(0, 30), 'head.npy', 'refuse');
  const hugeHeader = Buffer.from(npyBytes([1, 300000, 300000, 1], new Float32Array(4)));
  add('npy-9e10', 'an .npy header claiming 9e10 values', hugeHeader, 'huge.npy', 'refuse');
  const strings = Buffer.from(npy);
  strings.write("'<U4'", strings.indexOf("'<f4'"), 'latin1');
  add('npy-unicode-dtype', 'an .npy of strings', strings, 'text.npy', 'refuse');
  add('npy-not-npy', 'a PNG named .npy', digitPng(1), 'image.npy', 'refuse');
  add('npy-wrong-shape', 'an .npy of shape 1×3×28×28', npyBytes([1, 3, 28, 28], new Float32Array(3 * 784)), 'chw.npy', 'refuse');
  return cases;
}
