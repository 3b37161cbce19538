// Pooling and normalization ops: MaxPool, AveragePool, global pools, LRN, BatchNormalization, InstanceNormalization.
import * as tf from '@tensorflow/tfjs-core';
import type { OnnxNode } from './onnxGraph';
import { NHWC, toNhwc, toPlain } from './layout';
import type { LT } from './layout';
import { attrFloat, attrInt, attrInts, unsupported, withDry } from './opTypes';
import type { CompileContext, Compiler, StaticIn } from './opTypes';
import { spatialPads } from './opsConv';
import { nativeKernelsInstalled } from '../native/installNativeKernels';

interface PoolGeom {
  k: [number, number];
  s: [number, number];
  /** Explicit pads [top, left, bottom, right]. */
  pads: [number, number, number, number];
  out: [number, number];
  /** Padding actually applied at the bottom / right (explicit pads, or ceil_mode overhang). */
  endPad: [number, number];
}

function poolGeom(node: OnnxNode, ins: (StaticIn | undefined)[], cx: CompileContext): PoolGeom {
  const shape = ins[0]!.shape;
  if (shape.length !== 4) throw unsupported(cx, node, `${shape.length - 2}-D input (only 2-D pools are supported)`);
  const k = attrInts(node, 'kernel_shape') as [number, number];
  const s = (attrInts(node, 'strides') ?? [1, 1]) as [number, number];
  if ((attrInts(node, 'dilations') ?? [1, 1]).some((d) => d > 1)) throw unsupported(cx, node, 'dilations above 1');
  const pads = spatialPads(node, shape.slice(2), k, s, [1, 1]);
  const ceil = attrInt(node, 'ceil_mode', 0) === 1;
  const inHW = shape.slice(2);
  const out = [0, 1].map((i) => {
    const len = inHW[i] + pads[i] + pads[i + 2] - k[i];
    let o = (ceil ? Math.ceil(len / s[i]) : Math.floor(len / s[i])) + 1;
    // PyTorch's rule (also ONNX's): the last window must start inside the input or its leading padding.
    if (ceil && (o - 1) * s[i] >= inHW[i] + pads[i]) o--;
    return o;
  }) as [number, number];
  const endPad = [0, 1].map((i) => Math.max(0, (out[i] - 1) * s[i] + k[i] - inHW[i] - pads[i])) as [number, number];
  return { k, s, pads, out, endPad };
}

function padSpatial(x: tf.Tensor4D, g: PoolGeom, value: number): tf.Tensor4D {
  if (g.pads[0] === 0 && g.pads[1] === 0 && g.endPad[0] === 0 && g.endPad[1] === 0) return x;
  return tf.pad(x, [[0, 0], [g.pads[0], g.endPad[0]], [g.pads[1], g.endPad[1]], [0, 0]], value);
}

export const maxPool: Compiler = (node, ins, cx) => {
  const g = poolGeom(node, ins, cx);
  if (node.outputs.length > 1 && node.outputs[1] !== '') throw unsupported(cx, node, 'an Indices output');
  // wasm's MaxPoolGrad misroutes the gradient of windows whose maximum is <= 0. Shifting the input to be
  // >= 1 avoids that exactly (the shift's own gradient terms cancel); zero padding then never wins a window.
  // The native MaxPoolGrad (installed after start-up, so asked at run time) routes them right.
  const wasm = cx.backend === 'wasm';
  const c = ins[0]!.shape[1];
  const explicit: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [g.pads[0], g.endPad[0]], [g.pads[1], g.endPad[1]], [0, 0]];
  return withDry(([x]) => {
    const xt = toNhwc(x!);
    // Padding inside the pool (cells that never win, as ONNX says) saves a padded copy per pool; the native
    // MaxPoolGrad honours it, so this is only taken with the native kernels.
    if (nativeKernelsInstalled()) return [{ t: tf.maxPool(xt, g.k, g.s, explicit), perm: NHWC }];
    if (!wasm) return [{ t: tf.maxPool(padSpatial(xt, g, -Infinity), g.k, g.s, 'valid'), perm: NHWC }];
    // The shift is read back as a constant (one number): off the tape, it costs the gradient nothing.
    const m = tf.scalar(tf.tidy(() => tf.min(xt)).dataSync()[0] - 1);
    const y = tf.maxPool(padSpatial(tf.sub(xt, m), g, 0), g.k, g.s, 'valid');
    return [{ t: tf.add(y, m), perm: NHWC }];
  }, g.out[0], g.out[1], c);
};

export const averagePool: Compiler = (node, ins, cx) => {
  const g = poolGeom(node, ins, cx);
  const includePad = attrInt(node, 'count_include_pad', 0) === 1;
  const inHW = ins[0]!.shape.slice(2);
  // Divisor per output position: window cells inside the input (plus explicit pads when counted).
  const counts = [0, 1].map((i) => {
    const lo = includePad ? -g.pads[i] : 0;
    const hi = includePad ? inHW[i] + g.pads[i + 2] : inHW[i];
    return Array.from({ length: g.out[i] }, (_, o) => {
      const start = o * g.s[i] - g.pads[i];
      return Math.min(hi, start + g.k[i]) - Math.max(lo, start);
    });
  });
  const area = g.k[0] * g.k[1];
  const uniform = counts[0].every((c) => c === g.k[0]) && counts[1].every((c) => c === g.k[1]);
  const factor = uniform
    ? undefined
    : cx.cached(`${node.index}/factor/${inHW.join('x')}`, () => {
        const f = new Float32Array(g.out[0] * g.out[1]);
        for (let y = 0; y < g.out[0]; y++) for (let x = 0; x < g.out[1]; x++) f[y * g.out[1] + x] = area / (counts[0][y] * counts[1][x]);
        return tf.tensor4d(f, [1, g.out[0], g.out[1], 1]);
      });
  return withDry(([x]) => {
    const y = tf.avgPool(padSpatial(toNhwc(x!), g, 0), g.k, g.s, 'valid');
    return [{ t: factor ? tf.mul(y, factor) : y, perm: NHWC }];
  }, g.out[0], g.out[1], ins[0]!.shape[1]);
};

function globalPool(reduce: (x: tf.Tensor, axes: number[]) => tf.Tensor): Compiler {
  return (_node, ins) => {
    const rank = ins[0]!.shape.length;
    return ([x]) => {
      if (rank === 4) return [{ t: reduce(toNhwc(x!), [1, 2]), perm: NHWC }];
      return [{ t: reduce(toPlain(x!), Array.from({ length: rank - 2 }, (_, i) => i + 2)), perm: null }];
    };
  };
}

export const globalAveragePool = globalPool((x, axes) => tf.mean(x, axes, true));
export const globalMaxPool = globalPool((x, axes) => tf.max(x, axes, true));

export const lrn: Compiler = (node, ins, cx) => {
  if (ins[0]!.shape.length !== 4) throw unsupported(cx, node, 'a input that is not 4-D');
  const size = attrInt(node, 'size', 1);
  const alpha = attrFloat(node, 'alpha', 1e-4);
  const beta = attrFloat(node, 'beta', 0.75);
  const bias = attrFloat(node, 'bias', 1);
  const before = Math.floor((size - 1) / 2);
  const after = size - 1 - before;
  // Sum of squares over a channel window as an average pool over [N, H*W, C, 1]: plain ops with gradients everywhere.
  return ([x]) => {
    const xt = toNhwc(x!);
    const [n, h, w, c] = xt.shape;
    const sq = tf.reshape(tf.square(xt), [n, h * w, c, 1]);
    const mean = tf.avgPool(tf.pad(sq, [[0, 0], [0, 0], [before, after], [0, 0]]) as tf.Tensor4D, [1, size], [1, 1], 'valid');
    const den = tf.pow(tf.add(tf.mul(tf.reshape(mean, [n, h, w, c]), alpha), bias), beta);
    return [{ t: tf.div(xt, den), perm: NHWC }];
  };
};

/** A per-channel vector shaped to broadcast along logical axis 1 of `v`. */
export function channelVector(vec: tf.Tensor1D, v: LT): tf.Tensor {
  const rank = v.t.rank;
  const pos = v.perm ? v.perm.indexOf(1) : 1;
  const trailing = rank - 1 - pos;
  return trailing === 0 ? vec : tf.reshape(vec, [vec.shape[0], ...new Array<number>(trailing).fill(1)]);
}

function constVec(cx: CompileContext, node: OnnxNode, ins: (StaticIn | undefined)[], i: number, what: string): Float32Array {
  const k = ins[i]?.konst;
  if (!k) throw unsupported(cx, node, `a ${what} computed at run time`);
  return k.data instanceof Float32Array ? k.data : Float32Array.from(k.data);
}

export const batchNormalization: Compiler = (node, ins, cx) => {
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const scale = constVec(cx, node, ins, 1, 'scale');
  const bias = constVec(cx, node, ins, 2, 'bias');
  const mean = constVec(cx, node, ins, 3, 'mean');
  const variance = constVec(cx, node, ins, 4, 'variance');
  // Inference BatchNorm as one multiply and one add: tf.batchNorm's gradient has gaps (docs/tfjs-facts.md).
  const a = scale.map((s, c) => s / Math.sqrt(variance[c] + eps));
  const b = bias.map((bb, c) => bb - mean[c] * a[c]);
  const at = cx.cached(`${node.index}/a`, () => tf.tensor1d(a)) as tf.Tensor1D;
  const bt = cx.cached(`${node.index}/b`, () => tf.tensor1d(b)) as tf.Tensor1D;
  return ([x]) => {
    const v = ins[0]!.shape.length === 4 ? { t: toNhwc(x!), perm: NHWC } : x!;
    return [{ t: tf.add(tf.mul(v.t, channelVector(at, v)), channelVector(bt, v)), perm: v.perm }];
  };
};

export const instanceNormalization: Compiler = (node, ins, cx) => {
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const st = cx.cached(`${node.index}/s`, () => tf.tensor1d(constVec(cx, node, ins, 1, 'scale'))) as tf.Tensor1D;
  const bt = cx.cached(`${node.index}/b`, () => tf.tensor1d(constVec(cx, node, ins, 2, 'bias'))) as tf.Tensor1D;
  const rank = ins[0]!.shape.length;
  return ([x]) => {
    const v: LT = rank === 4 ? { t: toNhwc(x!), perm: NHWC } : { t: toPlain(x!), perm: null };
    const axes = rank === 4 ? [1, 2] : Array.from({ length: rank - 2 }, (_, i) => i + 2);
    const { mean, variance } = tf.moments(v.t, axes, true);
    const norm = tf.div(tf.sub(v.t, mean), tf.sqrt(tf.add(variance, eps)));
    return [{ t: tf.add(tf.mul(norm, channelVector(st, v)), channelVector(bt, v)), perm: v.perm }];
  };
};
