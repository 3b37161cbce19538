// Elementwise ops: unary activations and numpy-broadcasting binary / variadic ops. They keep their input's layout.
import * as tf from '@tensorflow/tfjs-core';
import { alignForBroadcast } from './layout';
import type { LT } from './layout';
import { attrFloat, attrInt, constFloats } from './opTypes';
import type { Compiler } from './opTypes';
import type { OnnxNode } from './onnxGraph';

type Unary = (x: tf.Tensor, node: OnnxNode) => tf.Tensor;

const hardSigmoid = (x: tf.Tensor, alpha: number, beta: number) => tf.clipByValue(tf.add(tf.mul(x, alpha), beta), 0, 1);

const UNARY: Record<string, Unary> = {
  Relu: (x) => tf.relu(x),
  LeakyRelu: (x, n) => tf.leakyRelu(x, attrFloat(n, 'alpha', 0.01)),
  Sigmoid: (x) => tf.sigmoid(x),
  Tanh: (x) => tf.tanh(x),
  Erf: (x) => tf.erf(x),
  Exp: (x) => tf.exp(x),
  Log: (x) => tf.log(x),
  Sqrt: (x) => tf.sqrt(x),
  Neg: (x) => tf.neg(x),
  Abs: (x) => tf.abs(x),
  Reciprocal: (x) => tf.reciprocal(x),
  Floor: (x) => tf.floor(x),
  Ceil: (x) => tf.ceil(x),
  Round: (x) => tf.round(x),
  Sign: (x) => tf.sign(x),
  Sin: (x) => tf.sin(x),
  Cos: (x) => tf.cos(x),
  Not: (x) => tf.logicalNot(x),
  Softplus: (x) => tf.softplus(x),
  Softsign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
  Elu: (x, n) => {
    const a = attrFloat(n, 'alpha', 1);
    return a === 1 ? tf.elu(x) : tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(tf.minimum(x, 0)), 1), a));
  },
  Selu: (x, n) => {
    const a = attrFloat(n, 'alpha', 1.67326319217681884765625);
    const g = attrFloat(n, 'gamma', 1.05070102214813232421875);
    return tf.mul(tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(tf.minimum(x, 0)), 1), a)), g);
  },
  Celu: (x, n) => {
    const a = attrFloat(n, 'alpha', 1);
    return tf.add(tf.relu(x), tf.minimum(0, tf.mul(tf.sub(tf.exp(tf.div(x, a)), 1), a)));
  },
  HardSigmoid: (x, n) => hardSigmoid(x, attrFloat(n, 'alpha', 0.2), attrFloat(n, 'beta', 0.5)),
  HardSwish: (x) => tf.mul(x, hardSigmoid(x, 1 / 6, 0.5)),
  Mish: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
  Gelu: (x, n) =>
    n.attrs.get('approximate') === 'tanh'
      ? tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))))
      : tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))),
  // Identity-like ops clone so that the executor can free inputs and outputs independently.
  Identity: (x) => tf.clone(x),
  Dropout: (x) => tf.clone(x),
};

export const unaryOps = Object.keys(UNARY);

export const unary: Compiler = (node) => {
  const f = UNARY[node.opType];
  return ([x]) => [{ t: f(x!.t, node), perm: x!.perm }];
};

type Nary = (ts: tf.Tensor[]) => tf.Tensor;

const NARY: Record<string, Nary> = {
  Add: ([a, b]) => tf.add(a, b),
  Sub: ([a, b]) => tf.sub(a, b),
  Mul: ([a, b]) => tf.mul(a, b),
  Div: ([a, b]) => tf.div(a, b),
  Pow: ([a, b]) => tf.pow(a, b),
  Mod: ([a, b]) => tf.mod(a, b),
  Equal: ([a, b]) => tf.equal(a, b),
  Less: ([a, b]) => tf.less(a, b),
  Greater: ([a, b]) => tf.greater(a, b),
  LessOrEqual: ([a, b]) => tf.lessEqual(a, b),
  GreaterOrEqual: ([a, b]) => tf.greaterEqual(a, b),
  And: ([a, b]) => tf.logicalAnd(a, b),
  Or: ([a, b]) => tf.logicalOr(a, b),
  Where: ([c, a, b]) => tf.where(tf.cast(c, 'bool'), a, b),
  PRelu: ([x, s]) => tf.add(tf.relu(x), tf.mul(s, tf.minimum(x, 0))),
  Max: (ts) => ts.reduce((a, b) => tf.maximum(a, b)),
  Min: (ts) => ts.reduce((a, b) => tf.minimum(a, b)),
  Sum: (ts) => ts.reduce((a, b) => tf.add(a, b)),
  Mean: (ts) => tf.div(ts.reduce((a, b) => tf.add(a, b)), ts.length),
};

export const naryOps = Object.keys(NARY);

/**
 * Broadcasting ops run in the layout of their first full-rank run-time operand; constants (biases, SE scales)
 * are reshaped and permuted to match once and cached.
 */
export const nary: Compiler = (node, ins, cx) => {
  const f = NARY[node.opType];
  const rank = Math.max(...ins.map((s) => s?.shape.length ?? 0));
  return (inputs) => {
    const live = inputs.findIndex((v, i) => v && !ins[i]?.konst && v.t.rank === rank);
    const perm = live >= 0 ? inputs[live]!.perm : null;
    const ts = inputs.map((v, i) => {
      if (ins[i]?.konst && perm) return cx.cached(`${node.index}/c${i}/${perm.join('')}`, () => alignForBroadcast(v!, rank, perm));
      return alignForBroadcast(v!, rank, perm);
    });
    return [{ t: f(ts), perm }];
  };
};

export const clip: Compiler = (node, ins, cx) => {
  const min = constFloats(cx, node, ins, 1, 'minimum')?.[0] ?? attrFloat(node, 'min', -3.4028234663852886e38);
  const max = constFloats(cx, node, ins, 2, 'maximum')?.[0] ?? attrFloat(node, 'max', 3.4028234663852886e38);
  const relu6 = min === 0 && max === 6;
  return ([x]) => [{ t: relu6 ? tf.relu6(x!.t) : tf.clipByValue(x!.t, min, max), perm: x!.perm }];
};

export const cast: Compiler = (node) => {
  const to = attrInt(node, 'to', 1);
  const dtype: tf.DataType = to === 1 || to === 10 || to === 11 || to === 16 ? 'float32' : to === 9 ? 'bool' : 'int32';
  return ([x]): LT[] => [{ t: x!.t.dtype === dtype ? tf.clone(x!.t) : tf.cast(x!.t, dtype), perm: x!.perm }];
};
