// Conv and ConvTranspose (2-D, NCHW semantics, run NHWC).
import * as tf from '@tensorflow/tfjs-core';
import type { OnnxNode } from './onnxGraph';
import { NHWC, toNhwc } from './layout';
import { attrInt, attrInts, attrString, unsupported, withDry } from './opTypes';
import type { CompileContext, Compiler, StaticIn } from './opTypes';
import { convWithFlippedGrad, depthwiseFilter, depthwiseGradFilter, oihwToHwio } from './convKernels';
import { flippedKernel } from '../gradients/convInputGrad';
import { heldGradientKernel } from '../gradients/heldKernels';

/** Explicit [top, left, bottom, right] padding from `pads` / `auto_pad`. */
export function spatialPads(node: OnnxNode, inHW: number[], k: number[], s: number[], d: number[]): [number, number, number, number] {
  const auto = attrString(node, 'auto_pad', 'NOTSET');
  if (auto === 'VALID') return [0, 0, 0, 0];
  if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const p = [0, 1].map((i) => {
      const out = Math.ceil(inHW[i] / s[i]);
      const total = Math.max(0, (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - inHW[i]);
      const begin = auto === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
      return [begin, total - begin];
    });
    return [p[0][0], p[1][0], p[0][1], p[1][1]];
  }
  const pads = attrInts(node, 'pads') ?? [0, 0, 0, 0];
  return [pads[0], pads[1], pads[2], pads[3]];
}

function weightsOf(node: OnnxNode, ins: (StaticIn | undefined)[], cx: CompileContext) {
  const w = ins[1]?.konst;
  if (!w) throw unsupported(cx, node, 'weights computed at run time');
  if (w.shape.length !== 4 || ins[0]?.shape.length !== 4) throw unsupported(cx, node, `${w.shape.length - 2}-D kernels (only 2-D convs are supported)`);
  return w;
}

function biasOf(node: OnnxNode, ins: (StaticIn | undefined)[], cx: CompileContext): tf.Tensor1D | undefined {
  const b = ins[2]?.konst;
  if (ins[2] && !b) throw unsupported(cx, node, 'a bias computed at run time');
  return b ? (cx.cached(`${node.index}/bias`, () => tf.tensor1d(b.data as Float32Array)) as tf.Tensor1D) : undefined;
}

export const conv: Compiler = (node, ins, cx) => {
  const w = weightsOf(node, ins, cx);
  const [O, Ig, kh, kw] = w.shape;
  const C = ins[0]!.shape[1];
  const group = attrInt(node, 'group', 1);
  const strides = (attrInts(node, 'strides') ?? [1, 1]) as [number, number];
  const dilations = (attrInts(node, 'dilations') ?? [1, 1]) as [number, number];
  if (strides.some((s) => s > 1) && dilations.some((d) => d > 1)) throw unsupported(cx, node, 'both strides and dilations above 1');
  if (Ig * group !== C) throw unsupported(cx, node, `${C} input channels that do not match its ${group} group(s) of ${Ig}`);
  const pads = spatialPads(node, ins[0]!.shape.slice(2), [kh, kw], strides, dilations);
  const geom = { strides, dilations, pads };
  const bias = biasOf(node, ins, cx);

  let run: (x: tf.Tensor4D) => tf.Tensor4D;
  // Plain convs add the bias inside the conv kernel; depthwise and grouped ones after it.
  let biasAfter = bias;
  if (group === 1) {
    const f = cx.cached(`${node.index}/w`, () => oihwToHwio(w.data, w.shape, 0, O)) as tf.Tensor4D;
    // Gradient kernels are held while gradients run, not for the model's life (heldKernels.ts).
    const ff = () => flippedKernel(f, true);
    run = convWithFlippedGrad(f, ff, false, geom, bias);
    biasAfter = undefined;
  } else if (Ig === 1 && O % C === 0) {
    const f = cx.cached(`${node.index}/w`, () => depthwiseFilter(w.data, w.shape, C)) as tf.Tensor4D;
    const ff = () => (f.shape[3] === 1 ? flippedKernel(f, false) : heldGradientKernel(f, 'depthwise-dense', () => depthwiseGradFilter(f)));
    run = convWithFlippedGrad(f, ff, true, geom);
  } else {
    const og = O / group;
    const convs = Array.from({ length: group }, (_, gi) => {
      const f = cx.cached(`${node.index}/w${gi}`, () => oihwToHwio(w.data, w.shape, gi * og, og)) as tf.Tensor4D;
      const ff = () => flippedKernel(f, true);
      return convWithFlippedGrad(f, ff, false, geom);
    });
    run = (x) => tf.concat(tf.split(x, group, 3).map((xi, gi) => convs[gi](xi as tf.Tensor4D)), 3);
  }
  const [H, W] = ins[0]!.shape.slice(2);
  const oh = Math.floor((H + pads[0] + pads[2] - dilations[0] * (kh - 1) - 1) / strides[0]) + 1;
  const ow = Math.floor((W + pads[1] + pads[3] - dilations[1] * (kw - 1) - 1) / strides[1]) + 1;
  return withDry(([x]) => {
    const y = run(toNhwc(x!));
    return [{ t: biasAfter ? tf.add(y, biasAfter) : y, perm: NHWC }];
  }, oh, ow, O);
};

/** A kernel with d-1 zeros between its taps: a dilated transposed conv is a plain one with this kernel. */
function dilateKernel(data: Float32Array | Int32Array, shape: number[], dilations: number[]): { data: Float32Array; shape: number[] } {
  const [a, b, kh, kw] = shape;
  const [dh, dw] = [Math.max(1, dilations[0]), Math.max(1, dilations[1] ?? dilations[0])];
  const [KH, KW] = [dh * (kh - 1) + 1, dw * (kw - 1) + 1];
  const out = new Float32Array(a * b * KH * KW);
  for (let i = 0; i < a * b; i++) {
    for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[(i * KH + y * dh) * KW + x * dw] = data[(i * kh + y) * kw + x];
  }
  return { data: out, shape: [a, b, KH, KW] };
}

export const convTranspose: Compiler = (node, ins, cx) => {
  const given = weightsOf(node, ins, cx);
  const dilations = attrInts(node, 'dilations') ?? [1, 1];
  const w = dilations.some((d) => d > 1) ? dilateKernel(given.data, given.shape, dilations) : given;
  const [Cin, Og, kh, kw] = w.shape;
  const group = attrInt(node, 'group', 1);
  const strides = (attrInts(node, 'strides') ?? [1, 1]) as [number, number];
  const [, , H, W] = ins[0]!.shape;
  const outPad = attrInts(node, 'output_padding') ?? [0, 0];
  const full = [strides[0] * (H - 1) + kh, strides[1] * (W - 1) + kw];
  let pads = attrInts(node, 'pads') ?? [0, 0, 0, 0];
  const outShapeAttr = attrInts(node, 'output_shape');
  const auto = attrString(node, 'auto_pad', 'NOTSET');
  if (outShapeAttr || auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const target = outShapeAttr ? outShapeAttr.slice(-2) : [H * strides[0], W * strides[1]];
    const total = [0, 1].map((i) => full[i] + outPad[i] - target[i]);
    const begin = total.map((t) => (auto === 'SAME_LOWER' ? Math.ceil(t / 2) : Math.floor(t / 2)));
    pads = [begin[0], begin[1], total[0] - begin[0], total[1] - begin[1]];
  } else if (auto === 'VALID') pads = [0, 0, 0, 0];
  const outH = full[0] + outPad[0] - pads[0] - pads[2];
  const outW = full[1] + outPad[1] - pads[1] - pads[3];
  const cg = Cin / group;
  // TF.js conv2dTranspose wants [kh, kw, outC, inC]: ONNX [Cin, Cout/g, kh, kw] read as "O=Cin, I=Cout/g" then swapped.
  const filters = Array.from({ length: group }, (_, gi) =>
    cx.cached(`${node.index}/w${gi}`, () => oihwToHwio(w.data, w.shape, gi * cg, cg)) as tf.Tensor4D,
  );
  const bias = biasOf(node, ins, cx);
  return withDry(([x]) => {
    const xt = toNhwc(x!);
    const n = xt.shape[0];
    const parts = group === 1 ? [xt] : (tf.split(xt, group, 3) as tf.Tensor4D[]);
    const ys = parts.map((xi, gi) => tf.conv2dTranspose(xi, filters[gi], [n, full[0], full[1], Og], strides, 'valid'));
    let y = group === 1 ? ys[0] : tf.concat(ys, 3);
    const extraH = Math.max(0, pads[0] + outH - full[0]);
    const extraW = Math.max(0, pads[1] + outW - full[1]);
    if (extraH > 0 || extraW > 0) y = tf.pad(y, [[0, 0], [0, extraH], [0, extraW], [0, 0]]);
    y = tf.slice(y, [0, pads[0], pads[1], 0], [n, outH, outW, Og * group]);
    return [{ t: bias ? tf.add(y, bias) : y, perm: NHWC }];
  }, outH, outW, Og * group);
};
