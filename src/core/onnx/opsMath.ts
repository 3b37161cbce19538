// Gemm / MatMul, Softmax / LogSoftmax, Reduce*, Resize / Upsample.
import * as tf from '@tensorflow/tfjs-core';
import { NHWC, logicalShape, permWithout, physAxis, toNhwc, toPlain } from './layout';
import type { LT } from './layout';
import { attrFloat, attrInt, attrInts, attrString, constFloats, constInts, normAxis, product, unsupported } from './opTypes';
import type { Compiler, Step } from './opTypes';

export const gemm: Compiler = (node, ins, cx) => {
  const transA = attrInt(node, 'transA', 0) === 1;
  const transB = attrInt(node, 'transB', 0) === 1;
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  const bk = ins[1]?.konst;
  const ck = ins[2]?.konst;
  const B = bk ? cx.cached(`${node.index}/B`, () => tf.tensor(bk.data, bk.shape, 'float32')) : undefined;
  const C = ck ? cx.cached(`${node.index}/C`, () => tf.mul(tf.tensor(ck.data, ck.shape, 'float32'), beta)) : undefined;
  return ([a, b, c]) => {
    let y = tf.matMul(toPlain(a!) as tf.Tensor2D, (B ?? toPlain(b!)) as tf.Tensor2D, transA, transB) as tf.Tensor;
    if (alpha !== 1) y = tf.mul(y, alpha);
    if (C) y = tf.add(y, C);
    else if (c) y = tf.add(y, tf.mul(toPlain(c), beta));
    return [{ t: y, perm: null }];
  };
};

/** numpy matmul's output shape (batch axes broadcast; a 1-D operand loses its axis). */
function matMulShape(a: number[], b: number[]): number[] {
  const rows = a.length === 1 ? [] : [a[a.length - 2]];
  const cols = b.length === 1 ? [] : [b[b.length - 1]];
  const ab = a.slice(0, -2);
  const bb = b.slice(0, -2);
  const rank = Math.max(ab.length, bb.length);
  const batch = Array.from({ length: rank }, (_, i) => {
    const x = ab[ab.length - rank + i] ?? 1;
    const y = bb[bb.length - rank + i] ?? 1;
    return x === 1 ? y : x;
  });
  return [...batch, ...rows, ...cols];
}

export const matMul: Compiler = (node, ins, cx) => {
  const bk = ins[1]?.konst;
  const B = bk ? cx.cached(`${node.index}/B`, () => tf.tensor(bk.data, bk.shape, 'float32')) : undefined;
  const step: Step = ([a, b]) => {
    let at = toPlain(a!);
    // A Linear layer on channels-last activations ([N, H, W, C] x [C, O], ConvNeXt): one 2-D product instead of
    // N*H batched ones (the cpu backend's batched product is slow, and the native kernels take 2-D ones).
    if (B && B.rank === 2 && at.rank > 2) {
      const lead = at.shape.slice(0, -1);
      const k = at.shape[at.rank - 1] as number;
      const y = tf.matMul(tf.reshape(at, [-1, k]) as tf.Tensor2D, B as tf.Tensor2D);
      return [{ t: tf.reshape(y, [...lead, B.shape[1] as number]), perm: null }];
    }
    let bt = B ?? toPlain(b!);
    const aVec = at.rank === 1;
    const bVec = bt.rank === 1;
    if (aVec) at = tf.reshape(at, [1, at.shape[0]]);
    if (bVec) bt = tf.reshape(bt, [bt.shape[0], 1]);
    let y = tf.matMul(at, bt) as tf.Tensor;
    if (aVec) y = tf.squeeze(y, [y.rank - 2]);
    if (bVec) y = tf.squeeze(y, [y.rank - 1]);
    return [{ t: y, perm: null }];
  };
  // The load-time shape pass needs no product: ConvNeXt's pointwise layers are most of its work.
  step.dry = ([a, b]) => [{ t: tf.zeros(matMulShape(logicalShape(a!), bk ? bk.shape : logicalShape(b!))), perm: null }];
  return step;
};

function softmaxLike(log: boolean): Compiler {
  return (node, ins, cx) => {
    const shape = ins[0]!.shape;
    const rank = shape.length;
    const apply = (t: tf.Tensor, ax: number): tf.Tensor => {
      if (ax === t.rank - 1) return log ? tf.logSoftmax(t) : tf.softmax(t);
      const shifted = tf.sub(t, tf.max(t, ax, true));
      if (log) return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), ax, true)));
      const e = tf.exp(shifted);
      return tf.div(e, tf.sum(e, ax, true));
    };
    if (cx.opset < 13) {
      // Before opset 13 the input is flattened to 2-D at `axis`.
      const axis = normAxis(attrInt(node, 'axis', 1), rank);
      const two = [product(shape.slice(0, axis)), product(shape.slice(axis))];
      return ([x]) => [{ t: tf.reshape(apply(tf.reshape(toPlain(x!), two), 1), shape), perm: null }];
    }
    const axis = normAxis(attrInt(node, 'axis', -1), rank);
    return ([x]) => [{ t: apply(x!.t, physAxis(x!, axis)), perm: x!.perm }];
  };
}

export const softmax = softmaxLike(false);
export const logSoftmax = softmaxLike(true);

type Reducer = (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor;

const REDUCERS: Record<string, Reducer> = {
  ReduceMean: (x, a, k) => tf.mean(x, a, k),
  ReduceSum: (x, a, k) => tf.sum(x, a, k),
  ReduceMax: (x, a, k) => tf.max(x, a, k),
  ReduceMin: (x, a, k) => tf.min(x, a, k),
  ReduceProd: (x, a, k) => tf.prod(x, a, k),
  ReduceSumSquare: (x, a, k) => tf.sum(tf.square(x), a, k),
  ReduceL1: (x, a, k) => tf.sum(tf.abs(x), a, k),
  ReduceL2: (x, a, k) => tf.sqrt(tf.sum(tf.square(x), a, k)),
  ReduceLogSumExp: (x, a, k) => tf.logSumExp(x, a, k),
};

export const reduceOps = Object.keys(REDUCERS);

export const reduce: Compiler = (node, ins, cx) => {
  const f = REDUCERS[node.opType];
  const rank = ins[0]!.shape.length;
  const keep = attrInt(node, 'keepdims', 1) === 1;
  const given = attrInts(node, 'axes') ?? (ins[1] ? constInts(cx, node, ins, 1, 'axes') : undefined);
  if ((!given || given.length === 0) && attrInt(node, 'noop_with_empty_axes', 0) === 1) {
    return ([x]) => [{ t: tf.clone(x!.t), perm: x!.perm }];
  }
  const axes = (given && given.length > 0 ? given : Array.from({ length: rank }, (_, i) => i)).map((a) => normAxis(a, rank));
  return ([x]) => [
    { t: f(x!.t, axes.map((a) => physAxis(x!, a)), keep), perm: keep ? x!.perm : permWithout(x!.perm, axes) },
  ];
};

export const resize: Compiler = (node, ins, cx) => {
  const shape = ins[0]!.shape;
  if (shape.length !== 4) throw unsupported(cx, node, `a ${shape.length}-D input`);
  const legacy = node.opType === 'Upsample' || cx.opset < 11;
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  if (node.opType === 'Upsample' && cx.opset < 9) scales = attrInts(node, 'scales');
  else if (legacy) scales = constFloats(cx, node, ins, 1, 'scales');
  else {
    const s = ins[2] ? constFloats(cx, node, ins, 2, 'scales') : undefined;
    scales = s && s.length > 0 ? s : undefined;
    sizes = ins[3] ? constInts(cx, node, ins, 3, 'sizes') : undefined;
  }
  const out = sizes ? sizes.slice(2) : [0, 1].map((i) => Math.floor(shape[i + 2] * (scales?.[i + 2] ?? 1)));
  if (sizes ? sizes[0] !== shape[0] || sizes[1] !== shape[1] : scales && (scales[0] !== 1 || scales[1] !== 1)) {
    throw unsupported(cx, node, 'resizing of the batch or channel axis');
  }
  const mode = attrString(node, 'mode', 'nearest');
  const coord = legacy ? 'asymmetric' : attrString(node, 'coordinate_transformation_mode', 'half_pixel');
  if (coord === 'tf_crop_and_resize') throw unsupported(cx, node, "coordinate_transformation_mode 'tf_crop_and_resize'");
  const alignCorners = coord === 'align_corners';
  const halfPixel = coord === 'half_pixel' || coord === 'pytorch_half_pixel';
  const size = out as [number, number];
  let f: (x: tf.Tensor4D) => tf.Tensor4D;
  if (mode === 'nearest') f = (x) => tf.image.resizeNearestNeighbor(x, size, alignCorners, halfPixel);
  else if (mode === 'linear' || mode === 'bilinear') f = (x) => tf.image.resizeBilinear(x, size, alignCorners, halfPixel);
  else throw unsupported(cx, node, `mode '${mode}'`);
  return ([x]): LT[] => [{ t: f(toNhwc(x!)), perm: NHWC }];
};
