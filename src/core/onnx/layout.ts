// Tensors inside the ONNX runtime carry a layout tag. ONNX semantics are NCHW ("logical" axes); TF.js convs
// run NHWC, so 4-D activations are stored NHWC ("physical") and layout-sensitive ops remap their axes
// instead of transposing around every conv. `perm[i]` is the logical axis stored at physical axis i;
// null means physical == logical.
import * as tf from '@tensorflow/tfjs-core';

export interface LT {
  t: tf.Tensor;
  perm: readonly number[] | null;
}

export const NHWC: readonly number[] = [0, 2, 3, 1];

export function isIdentity(perm: readonly number[] | null): boolean {
  return perm === null || perm.every((p, i) => p === i);
}

export function normPerm(perm: readonly number[] | null): readonly number[] | null {
  return isIdentity(perm) ? null : perm;
}

export function invert(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/** Logical (ONNX) shape of a tagged tensor. */
export function logicalShape(v: LT): number[] {
  if (!v.perm) return v.t.shape.slice();
  const s = new Array<number>(v.t.rank);
  v.perm.forEach((p, i) => (s[p] = v.t.shape[i]));
  return s;
}

/** Physical axis that holds logical axis `axis` (negative axes count from the end). */
export function physAxis(v: LT, axis: number): number {
  const a = axis < 0 ? axis + v.t.rank : axis;
  return v.perm ? v.perm.indexOf(a) : a;
}

/** The tensor in logical order (transposes when the tag says it is permuted). */
export function toPlain(v: LT): tf.Tensor {
  return v.perm && !isIdentity(v.perm) ? tf.transpose(v.t, invert(v.perm)) : v.t;
}

/** The tensor stored with layout `perm` (same rank). */
export function toPerm(v: LT, perm: readonly number[] | null): tf.Tensor {
  const from = v.perm ?? identity(v.t.rank);
  const to = perm ?? identity(v.t.rank);
  if (from.every((p, i) => p === to[i])) return v.t;
  // physical_to[i] = logical to[i] = physical_from[from.indexOf(to[i])]
  return tf.transpose(v.t, to.map((l) => from.indexOf(l)));
}

/** A 4-D tensor stored NHWC. */
export function toNhwc(v: LT): tf.Tensor4D {
  return toPerm(v, NHWC) as tf.Tensor4D;
}

export function identity(rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => i);
}

/** Brings an operand of an elementwise op to `rank` (numpy broadcasting prepends 1s) and layout `perm`. */
export function alignForBroadcast(v: LT, rank: number, perm: readonly number[] | null): tf.Tensor {
  if (v.t.rank === rank) return toPerm(v, perm);
  const plain = toPlain(v);
  const shape = [...new Array<number>(rank - plain.rank).fill(1), ...plain.shape];
  const r = tf.reshape(plain, shape);
  return perm ? tf.transpose(r, perm as number[]) : r;
}

/** Layout after removing logical axes `removed` (a reduction without keepdims, a Gather with a scalar index). */
export function permWithout(perm: readonly number[] | null, removed: readonly number[]): readonly number[] | null {
  if (!perm) return null;
  const kept = perm.filter((p) => !removed.includes(p));
  const sorted = [...kept].sort((a, b) => a - b);
  return normPerm(kept.map((p) => sorted.indexOf(p)));
}
