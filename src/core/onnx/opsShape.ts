// Shape-moving ops. Layout-preserving where cheap (Transpose only relabels axes, Concat/Split/Slice/Pad/
// Squeeze remap theirs); the rest work in logical (NCHW) order.
import * as tf from '@tensorflow/tfjs-core';
import { LayerLensError } from '../../shared/errors';
import { identity, invert, normPerm, permWithout, physAxis, toPerm, toPlain } from './layout';
import type { LT } from './layout';
import { attrFloat, attrInt, attrInts, attrString, constFloats, constInts, normAxis, product, unsupported } from './opTypes';
import type { Compiler } from './opTypes';
import type { ConstValue } from './onnxGraph';

const plainOut = (t: tf.Tensor): LT[] => [{ t, perm: null }];

export const flatten: Compiler = (node, ins) => {
  const shape = ins[0]!.shape;
  const axis = normAxis(attrInt(node, 'axis', 1), shape.length);
  const outer = product(shape.slice(0, axis));
  return ([x]) => plainOut(tf.reshape(toPlain(x!), [outer, product(shape.slice(axis))]));
};

export const reshape: Compiler = (node, ins, cx) => {
  const inShape = ins[0]!.shape;
  const target = constInts(cx, node, ins, 1, 'target shape');
  const allowZero = attrInt(node, 'allowzero', 0) === 1;
  const shape = target.map((d, i) => (d === 0 && !allowZero ? inShape[i] : d));
  const known = product(shape.filter((d) => d !== -1));
  const out = shape.map((d) => (d === -1 ? product(inShape) / known : d));
  if (product(out) !== product(inShape) || out.some((d) => !Number.isInteger(d))) {
    throw new LayerLensError('unresolvedShape', `${cx.file} reshapes [${inShape.join(', ')}] to [${target.join(', ')}] in node '${node.name}', which does not fit.`);
  }
  return ([x]) => plainOut(tf.reshape(toPlain(x!), out));
};

export const transpose: Compiler = (node, ins) => {
  const rank = ins[0]!.shape.length;
  const p = attrInts(node, 'perm') ?? identity(rank).reverse();
  const pinv = invert(p);
  // Only relabels axes: output logical axis j is input logical axis p[j].
  return ([x]) => {
    const q = x!.perm ?? identity(rank);
    return [{ t: tf.clone(x!.t), perm: normPerm(q.map((l) => pinv[l])) }];
  };
};

export const concat: Compiler = (node, ins) => {
  const rank = ins[0]!.shape.length;
  const axis = normAxis(attrInt(node, 'axis', 1), rank);
  return (inputs) => {
    const vs = inputs.filter((v): v is LT => v !== undefined && v.t.size > 0);
    if (vs.length === 0) return plainOut(tf.clone(inputs[0]!.t));
    const perm = vs.find((v) => v.perm)?.perm ?? null;
    const ts = vs.map((v) => toPerm(v, perm));
    return [{ t: ts.length === 1 ? tf.clone(ts[0]) : tf.concat(ts, perm ? perm.indexOf(axis) : axis), perm }];
  };
};

export const split: Compiler = (node, ins, cx) => {
  const shape = ins[0]!.shape;
  const axis = normAxis(attrInt(node, 'axis', 0), shape.length);
  const n = node.outputs.length;
  let sizes = attrInts(node, 'split') ?? (ins[1] ? constInts(cx, node, ins, 1, 'split sizes') : undefined);
  if (!sizes) {
    const each = Math.ceil(shape[axis] / n);
    sizes = Array.from({ length: n }, (_, i) => Math.min(each, shape[axis] - i * each));
  }
  return ([x]) => tf.split(x!.t, sizes, physAxis(x!, axis)).map((t) => ({ t, perm: x!.perm }));
};

export const slice: Compiler = (node, ins, cx) => {
  const shape = ins[0]!.shape;
  const rank = shape.length;
  const old = cx.opset < 10;
  const starts = old ? attrInts(node, 'starts')! : constInts(cx, node, ins, 1, 'starts');
  const ends = old ? attrInts(node, 'ends')! : constInts(cx, node, ins, 2, 'ends');
  const axes = (old ? attrInts(node, 'axes') : ins[3] ? constInts(cx, node, ins, 3, 'axes') : undefined) ?? starts.map((_, i) => i);
  const steps = (!old && ins[4] ? constInts(cx, node, ins, 4, 'steps') : undefined) ?? starts.map(() => 1);
  const plan = axes.map((a, i) => {
    const axis = normAxis(a, rank);
    const dim = shape[axis];
    const step = steps[i];
    const clampIdx = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v < 0 ? v + dim : v));
    if (step > 0) {
      const s = clampIdx(starts[i], 0, dim);
      const e = clampIdx(ends[i], 0, dim);
      return { axis, step, begin: s, count: Math.max(0, Math.ceil((e - s) / step)) };
    }
    const s = clampIdx(starts[i], -1, dim - 1);
    const e = ends[i] < -dim ? -1 : clampIdx(ends[i], -1, dim - 1);
    return { axis, step, begin: s, count: Math.max(0, Math.ceil((e - s) / step)) };
  });
  return ([x]) => {
    let t = x!.t;
    for (const p of plan) {
      const ax = physAxis(x!, p.axis);
      if (p.step === 1) {
        const begin = new Array<number>(t.rank).fill(0);
        const size = t.shape.slice();
        begin[ax] = p.begin;
        size[ax] = p.count;
        t = tf.slice(t, begin, size);
      } else {
        // stridedSlice has no gradient in TF.js; gather does.
        const idx = Array.from({ length: p.count }, (_, k) => p.begin + k * p.step);
        t = tf.gather(t, tf.tensor1d(idx, 'int32'), ax);
      }
    }
    return [{ t: t === x!.t ? tf.clone(t) : t, perm: x!.perm }];
  };
};

export const pad: Compiler = (node, ins, cx) => {
  const rank = ins[0]!.shape.length;
  const old = cx.opset < 11;
  const pads = old ? attrInts(node, 'pads')! : constInts(cx, node, ins, 1, 'pads');
  const value = old ? attrFloat(node, 'value', 0) : constFloats(cx, node, ins, 2, 'pad value')?.[0] ?? 0;
  const axes = ins[3] ? constInts(cx, node, ins, 3, 'axes').map((a) => normAxis(a, rank)) : identity(rank);
  const mode = attrString(node, 'mode', 'constant');
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge') throw unsupported(cx, node, `mode '${mode}'`);
  const logical: [number, number][] = identity(rank).map(() => [0, 0]);
  axes.forEach((a, i) => (logical[a] = [pads[i], pads[i + axes.length]]));
  return ([x]) => {
    const phys = logical.map((_, i) => logical[x!.perm ? x!.perm[i] : i]);
    let t = x!.t;
    // Negative pads crop.
    if (phys.some(([b, e]) => b < 0 || e < 0)) {
      const begin = phys.map(([b]) => Math.max(0, -b));
      t = tf.slice(t, begin, t.shape.map((d, i) => d - begin[i] - Math.max(0, -phys[i][1])));
    }
    const pos = phys.map(([b, e]) => [Math.max(0, b), Math.max(0, e)] as [number, number]);
    if (mode === 'constant') t = tf.pad(t, pos, value);
    else if (mode === 'reflect') t = tf.mirrorPad(t, pos, 'reflect');
    else t = edgePad(t, pos);
    return [{ t, perm: x!.perm }];
  };
};

function edgePad(x: tf.Tensor, pads: [number, number][]): tf.Tensor {
  let t = x;
  pads.forEach(([b, e], axis) => {
    if (b === 0 && e === 0) return;
    const n = t.shape[axis];
    const edge = (at: number, reps: number) => {
      const begin = new Array<number>(t.rank).fill(0);
      const size = t.shape.slice();
      begin[axis] = at;
      size[axis] = 1;
      const reps1 = new Array<number>(t.rank).fill(1);
      reps1[axis] = reps;
      return tf.tile(tf.slice(t, begin, size), reps1);
    };
    const parts = [...(b > 0 ? [edge(0, b)] : []), t, ...(e > 0 ? [edge(n - 1, e)] : [])];
    t = tf.concat(parts, axis);
  });
  return t;
}

export const squeeze: Compiler = (node, ins, cx) => {
  const shape = ins[0]!.shape;
  const given = attrInts(node, 'axes') ?? (ins[1] ? constInts(cx, node, ins, 1, 'axes') : undefined);
  const axes = (given ?? shape.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => normAxis(a, shape.length));
  return ([x]) => [{ t: tf.squeeze(x!.t, axes.map((a) => physAxis(x!, a))), perm: permWithout(x!.perm, axes) }];
};

export const unsqueeze: Compiler = (node, ins, cx) => {
  const shape = ins[0]!.shape;
  const axesRaw = attrInts(node, 'axes') ?? constInts(cx, node, ins, 1, 'axes');
  const rank = shape.length + axesRaw.length;
  const axes = axesRaw.map((a) => normAxis(a, rank));
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : shape[k++]);
  return ([x]) => plainOut(tf.reshape(toPlain(x!), out));
};

export const gather: Compiler = (node, ins) => {
  const shape = ins[0]!.shape;
  const axis = normAxis(attrInt(node, 'axis', 0), shape.length);
  const k = ins[1]?.konst;
  const idx = k ? Array.from(k.data, (i) => (i < 0 ? i + shape[axis] : i)) : undefined;
  // Constant scalar or contiguous indices become slices: their gradient needs no scatter kernel.
  if (k && idx && k.shape.length <= 1 && idx.every((v, i) => v === idx[0] + i) && idx.length > 0) {
    const scalar = k.shape.length === 0;
    return ([x]) => {
      const ax = physAxis(x!, axis);
      const begin = new Array<number>(x!.t.rank).fill(0);
      const size = x!.t.shape.slice();
      begin[ax] = idx[0];
      size[ax] = idx.length;
      const s = tf.slice(x!.t, begin, size);
      return scalar ? [{ t: tf.squeeze(s, [ax]), perm: permWithout(x!.perm, [axis]) }] : [{ t: s, perm: x!.perm }];
    };
  }
  return ([x, i]) => {
    const ind = tf.cast(i!.t, 'int32');
    const fixed = tf.where(tf.less(ind, 0), tf.add(ind, shape[axis]), ind);
    return plainOut(tf.gather(toPlain(x!), fixed, axis));
  };
};

export const expand: Compiler = (node, ins, cx) => {
  const shape = ins[0]!.shape;
  const target = constInts(cx, node, ins, 1, 'target shape');
  const rank = Math.max(shape.length, target.length);
  const a = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const b = [...new Array<number>(rank - target.length).fill(1), ...target];
  const out = a.map((d, i) => (d === 1 ? b[i] : d));
  return ([x]) => plainOut(tf.broadcastTo(tf.reshape(toPlain(x!), a), out));
};

export const tile: Compiler = (node, ins, cx) => {
  const reps = constInts(cx, node, ins, 1, 'repeats');
  return ([x]) => plainOut(tf.tile(toPlain(x!), reps));
};

// Ops that only ever run at load time (their outputs are constants).

export const shapeOp: Compiler = (node, ins) => {
  const shape = ins[0]!.shape;
  const start = normAxis(attrInt(node, 'start', 0), shape.length);
  const endAttr = attrInt(node, 'end', shape.length);
  const end = Math.max(0, Math.min(shape.length, endAttr < 0 ? endAttr + shape.length : endAttr));
  return () => plainOut(tf.tensor1d(shape.slice(start, end), 'int32'));
};

export const sizeOp: Compiler = (_node, ins) => () => plainOut(tf.scalar(product(ins[0]!.shape), 'int32'));

export const constantOfShape: Compiler = (node, ins, cx) => {
  const shape = constInts(cx, node, ins, 0, 'shape');
  const v = node.attrs.get('value') as ConstValue | undefined;
  return () => plainOut(tf.fill(shape, v ? v.data[0] : 0, v?.dtype ?? 'float32'));
};

export const constant: Compiler = (node, _ins, cx) => {
  const v = node.attrs.get('value');
  return () => {
    if (v && typeof v === 'object' && 'data' in v) return plainOut(tf.tensor(v.data, v.shape, v.dtype));
    if (node.attrs.has('value_float')) return plainOut(tf.scalar(attrFloat(node, 'value_float', 0)));
    if (node.attrs.has('value_floats')) return plainOut(tf.tensor1d(attrInts(node, 'value_floats')!));
    if (node.attrs.has('value_int')) return plainOut(tf.scalar(attrInt(node, 'value_int', 0), 'int32'));
    if (node.attrs.has('value_ints')) return plainOut(tf.tensor1d(attrInts(node, 'value_ints')!, 'int32'));
    throw unsupported(cx, node, 'a value type other than numbers');
  };
};

export const range: Compiler = (node, ins, cx) => {
  const [start] = constFloats(cx, node, ins, 0, 'start')!;
  const [limit] = constFloats(cx, node, ins, 1, 'limit')!;
  const [delta] = constFloats(cx, node, ins, 2, 'delta')!;
  const dtype = ins[0]!.konst!.dtype === 'float32' ? 'float32' : 'int32';
  return () => plainOut(tf.range(start, limit, delta, dtype));
};
