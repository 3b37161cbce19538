// Gradient kernels for the wasm backend, so the MNIST CNN can be trained there (training script only).
// Why: wasm has no Conv2DBackpropFilter, its MaxPoolGrad mishandles windows whose maximum is <= 0
// (docs/tfjs-facts.md), its Conv2DBackpropInput is a slow loop, and the cpu backend's versions take seconds per
// batch. For stride 1 both conv gradients are rewritten as forward convolutions, which wasm runs
// through XNNPACK; other strides use plain loops over NHWC float32 data. Valid padding only.
import * as tf from '@tensorflow/tfjs-core';
import { startNodeBackend } from '../src/core/node/startNodeBackend';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Pair = [number, number];
type KernelArgs = Parameters<tf.KernelFunc>[0];
type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

function input(args: KernelArgs, name: string): tf.TensorInfo {
  const t = args.inputs[name];
  if (!t) throw new Error(`Kernel input ${name} is missing.`);
  return t;
}

/** Runs another registered wasm kernel on backend data; the caller disposes what it returns. */
function runWasm(backend: BackendWasm, kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: object): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (!kernel) throw new Error(`The wasm backend has no ${kernelName} kernel.`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
}

function conv2dValid(backend: BackendWasm, x: tf.TensorInfo, filter: tf.TensorInfo, pad: 'valid' | ExplicitPadding): tf.TensorInfo {
  return runWasm(backend, 'Conv2D', { x, filter }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] });
}

/**
 * Stride-1 filter gradient as one forward conv: with x as [ci, H, W, n] and dy as a filter [oh, ow, n, co],
 * conv2d gives [ci, kh, kw, co], i.e. Σ over batch and positions of x·dy; transposing gives HWIO.
 */
function filterGradByConv(backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo): tf.TensorInfo {
  const xt = runWasm(backend, 'Transpose', { x }, { perm: [3, 1, 2, 0] });
  const dyt = runWasm(backend, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const r = conv2dValid(backend, xt, dyt, 'valid');
  const out = runWasm(backend, 'Transpose', { x: r }, { perm: [1, 2, 0, 3] });
  for (const t of [xt, dyt, r]) backend.disposeData(t.dataId);
  return out;
}

/** Stride-1 input gradient as one forward conv of dy, padded by k-1, with the flipped, transposed kernel. */
function inputGradByConv(backend: BackendWasm, dy: tf.TensorInfo, filter: tf.TensorInfo): tf.TensorInfo {
  const [kh, kw] = filter.shape;
  const flipped = runWasm(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const swapped = runWasm(backend, 'Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
  const pad: ExplicitPadding = [[0, 0], [kh - 1, kh - 1], [kw - 1, kw - 1], [0, 0]];
  const out = conv2dValid(backend, dy, swapped, pad);
  for (const t of [flipped, swapped]) backend.disposeData(t.dataId);
  return out;
}

function pair(v: number | Pair): Pair {
  return typeof v === 'number' ? [v, v] : v;
}

function requireValid(kernel: string, pad: unknown): void {
  if (pad !== 'valid' && pad !== 0) throw new Error(`${kernel} here supports only valid padding, got ${JSON.stringify(pad)}.`);
}

/** dW[kh,kw,ci,co] = Σ x[n, oy*sh+kh, ox*sw+kw, ci] · dy[n, oy, ox, co]. */
function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = input(args, 'x');
  const dy = input(args, 'dy');
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  requireValid('Conv2DBackpropFilter', attrs.pad);
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter here supports only NHWC.');
  const [sh, sw] = pair(attrs.strides);
  if (sh === 1 && sw === 1) return filterGradByConv(backend, x, dy);
  const [kh, kw, ci, co] = attrs.filterShape;
  const [n, h, w] = x.shape;
  const [, oh, ow] = dy.shape;
  const acc = new Float64Array(kh * kw * ci * co);
  const out = backend.makeOutput([kh, kw, ci, co], 'float32');
  // Views after the allocation above: growing the wasm heap would detach earlier ones.
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const dyOff = ((b * oh + oy) * ow + ox) * co;
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            const xOff = ((b * h + oy * sh + i) * w + ox * sw + j) * ci;
            const wOff = (i * kw + j) * ci * co;
            for (let c = 0; c < ci; c++) {
              const xv = xs[xOff + c];
              if (xv === 0) continue; // inputs after ReLU and MNIST backgrounds are mostly zero
              const row = wOff + c * co;
              for (let k = 0; k < co; k++) acc[row + k] += xv * dys[dyOff + k];
            }
          }
        }
      }
    }
  }
  (backend.typedArrayFromHeap(out) as Float32Array).set(acc);
  return out;
}

/** Stride 1 and valid padding go through a forward conv; anything else keeps the backend's own kernel. */
function makeConv2dBackpropInput(original: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const [sh, sw] = pair(attrs.strides);
    const plain = (attrs.pad === 'valid' || attrs.pad === 0) && sh === 1 && sw === 1 && attrs.dataFormat !== 'NCHW';
    if (plain) return inputGradByConv(backend, input(args, 'dy'), input(args, 'filter'));
    if (!original) throw new Error('The wasm backend has no Conv2DBackpropInput kernel for this case.');
    return original(args);
  };
}

/** dx gets each window's dy at the window's first maximum, as TensorFlow's MaxPoolGrad does. */
function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const dy = input(args, 'dy');
  const x = input(args, 'input');
  const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
  requireValid('MaxPoolGrad', attrs.pad);
  const [fh, fw] = pair(attrs.filterSize);
  const [sh, sw] = pair(attrs.strides);
  const [n, h, w, c] = x.shape;
  const [, oh, ow] = dy.shape;
  const acc = new Float32Array(n * h * w * c);
  const out = backend.makeOutput(x.shape, 'float32');
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let k = 0; k < c; k++) {
          let best = -Infinity;
          let at = -1;
          for (let i = 0; i < fh; i++) {
            for (let j = 0; j < fw; j++) {
              const idx = ((b * h + oy * sh + i) * w + ox * sw + j) * c + k;
              if (xs[idx] > best) {
                best = xs[idx];
                at = idx;
              }
            }
          }
          if (at >= 0) acc[at] += dys[((b * oh + oy) * ow + ox) * c + k];
        }
      }
    }
  }
  (backend.typedArrayFromHeap(out) as Float32Array).set(acc);
  return out;
}

let registered = false;

/** Registers (or replaces) the three kernels on the wasm backend; call before training (repeat calls do nothing). */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  const kernels: [string, tf.KernelFunc][] = [
    ['Conv2DBackpropFilter', conv2dBackpropFilter as tf.KernelFunc],
    ['Conv2DBackpropInput', makeConv2dBackpropInput(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc)],
    ['MaxPoolGrad', maxPoolGrad as tf.KernelFunc],
  ];
  for (const [kernelName, kernelFunc] of kernels) {
    const original = tf.getKernel(kernelName, 'wasm');
    if (original) tf.unregisterKernel(kernelName, 'wasm');
    // The original's setup binds its wasm function when the backend starts; the fallback path needs it.
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, setupFunc: original?.setupFunc, disposeFunc: original?.disposeFunc });
  }
}

/**
 * The training scripts' backend: wasm (SIMD, one thread) with the kernels above registered first; the cpu
 * backend needs ~20 s per batch here, so anything but wasm is an error.
 */
export async function startTrainingBackend(): Promise<void> {
  registerWasmTrainingKernels();
  const backend = await startNodeBackend('wasm', { threads: 1, nativeKernels: false });
  if (backend.active !== 'wasm') throw new Error(`The wasm backend did not start: ${backend.attempts.map((a) => a.reason).join('; ')}`);
}
