// LayerNormalization (opset 17): normalizes over the trailing logical axes from `axis` on, in whatever layout the
// input is stored (ConvNeXt's channels-last LayerNorm arrives NHWC-stored after its Transpose, so no copy).
import * as tf from '@tensorflow/tfjs-core';
import { alignForBroadcast, physAxis } from './layout';
import type { LT } from './layout';
import { attrFloat, attrInt, normAxis, unsupported } from './opTypes';
import type { Compiler } from './opTypes';

export const layerNormalization: Compiler = (node, ins, cx) => {
  const rank = ins[0]!.shape.length;
  const axis = normAxis(attrInt(node, 'axis', -1), rank);
  const eps = attrFloat(node, 'epsilon', 1e-5);
  if (node.outputs.slice(1).some((o) => o !== '')) throw unsupported(cx, node, 'its Mean or InvStdDev output');
  const scale = ins[1]?.konst;
  const bias = ins[2]?.konst;
  if (!scale || (ins[2] && !bias)) throw unsupported(cx, node, 'a scale or bias computed at run time');
  const logicalAxes = Array.from({ length: rank - axis }, (_, i) => axis + i);
  // Scale and bias have the normalized axes' shape; as rank-`rank` tensors they broadcast like numpy's.
  const asFull = (k: typeof scale) => tf.tensor(k.data, k.shape, 'float32');
  return ([x]): LT[] => {
    const v = x!;
    const key = (v.perm ?? []).join('');
    const s = cx.cached(`${node.index}/s/${key}`, () => alignForBroadcast({ t: asFull(scale), perm: null }, rank, v.perm));
    const b = bias ? cx.cached(`${node.index}/b/${key}`, () => alignForBroadcast({ t: asFull(bias), perm: null }, rank, v.perm)) : undefined;
    const axes = logicalAxes.map((a) => physAxis(v, a));
    const { mean, variance } = tf.moments(v.t, axes, true);
    const y = tf.mul(tf.mul(tf.sub(v.t, mean), tf.rsqrt(tf.add(variance, eps))), s);
    return [{ t: b ? tf.add(y, b) : y, perm: v.perm }];
  };
};
