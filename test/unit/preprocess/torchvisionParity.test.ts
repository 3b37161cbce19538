// torchvision's Resize(256) + CenterCrop(224) + ToTensor + Normalize, run by Debian's PyTorch on PNGs this test
// writes, against Layer Lens's shorterSideCenterCrop with normalize "torchvision". Both resize as Pillow does
// (antialiased bilinear in 8-bit fixed point), so the tensors agree to float rounding: the tolerance is 1e-4 on
// normalized values, a hundredth of one 8-bit step (1/255/0.229 = 0.017). The resampling the other modes use
// (integer box average + 2-tap bilinear) is measured at the same geometry against the same reference and printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '../../../src/core/image';
import { encodePng } from '../../../src/core/image/encodePng';
import { fitImage } from '../../../src/core/preprocess/geometry';
import { preprocessInto } from '../../../src/core/preprocess/preprocessInto';
import type { InputSpec } from '../../../src/shared/model';
import { NORMALIZATIONS } from '../../../src/shared/preprocessing';
import { photoLike } from './photoLike';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, 'torchvisionReference.py');

interface Case {
  name: string;
  width: number;
  height: number;
  resize: number;
  crop: number;
}

const CASES: Case[] = [
  { name: 'landscape 451×300', width: 451, height: 300, resize: 256, crop: 224 },
  { name: 'portrait 300×451', width: 300, height: 451, resize: 256, crop: 224 },
  // A camera-sized reduction (×3.5) and Inception's recipe (342, 299).
  { name: 'large 1200×900 at 342/299', width: 1200, height: 900, resize: 342, crop: 299 },
];

async function ours(png: Uint8Array, c: Case, resize: InputSpec['resize']): Promise<Float32Array> {
  const image = await decodeImage(png, 'photo.png');
  const spec: InputSpec = { height: c.crop, width: c.crop, channels: 3, resize, resizeSize: c.resize, normalize: 'torchvision', ...NORMALIZATIONS.torchvision };
  const out = new Float32Array(c.crop * c.crop * 3);
  preprocessInto(image, spec, out);
  return out;
}

/** The other modes' resampler at torchvision's geometry: stretch to the resized size, then cut the same crop. */
async function otherResampler(png: Uint8Array, c: Case): Promise<Float32Array> {
  const image = await decodeImage(png, 'photo.png');
  const fit = fitImage(image.height, image.width, { height: c.crop, width: c.crop, resize: 'shorterSideCenterCrop', resizeSize: c.resize });
  const { resizedHeight: h, resizedWidth: w } = fit;
  const whole = new Float32Array(h * w * 3);
  preprocessInto(image, { height: h, width: w, channels: 3, resize: 'stretch', ...NORMALIZATIONS.torchvision }, whole);
  const out = new Float32Array(c.crop * c.crop * 3);
  for (let y = 0; y < c.crop; y++) out.set(whole.subarray(((y + fit.top) * w + fit.left) * 3, ((y + fit.top) * w + fit.left + c.crop) * 3), y * c.crop * 3);
  return out;
}

/** Largest |ours − reference| over the tensor; ours is HWC, the reference CHW. */
function maxAbsDiff(hwc: Float32Array, chw: Float32Array, side: number): number {
  let worst = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(hwc[(y * side + x) * 3 + k]! - chw[(k * side + y) * side + x]!));
    }
  }
  return worst;
}

test('shorterSideCenterCrop + torchvision normalization equals torchvision on photo-like PNGs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-tv-parity-'));
  try {
    const pngs = CASES.map((c, i) => {
      const png = encodePng(photoLike(c.width, c.height, i + 1), c.width, c.height);
      writeFileSync(join(dir, `photo${i}.png`), png);
      return png;
    });
    const args = CASES.flatMap((c, i) => [join(dir, `photo${i}.png`), join(dir, `ref${i}.f32`), String(c.resize), String(c.crop)]);
    const run = spawnSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8', timeout: 120_000 });
    if (run.status !== 0) {
      assert.fail(
        `${PYTHON} could not run torchvision (${(run.stderr || String(run.error ?? '')).trim().split('\n').pop()}); install Debian's python3-torchvision (scripts/installTorch.sh).`,
      );
    }
    t.diagnostic(run.stdout.trim());
    for (const [i, c] of CASES.entries()) {
      const bytes = readFileSync(join(dir, `ref${i}.f32`));
      const reference = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      assert.equal(reference.length, c.crop * c.crop * 3, `${c.name}: reference size`);
      const diff = maxAbsDiff(await ours(pngs[i]!, c, 'shorterSideCenterCrop'), reference, c.crop);
      const other = maxAbsDiff(await otherResampler(pngs[i]!, c), reference, c.crop);
      t.diagnostic(`${c.name}: max |Δ| ${diff.toExponential(2)}; box + 2-tap bilinear at the same geometry ${other.toFixed(3)} (${(other * 0.229 * 255).toFixed(0)} of 255)`);
      assert.ok(diff <= 1e-4, `${c.name}: max |ours − torchvision| = ${diff}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
