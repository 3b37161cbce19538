// A Keras Conv2D / DepthwiseConv2D / Dense as one op on weights held as constant tensors, with the cheap input
// gradient of the ONNX importer's convs (src/core/onnx/convKernels.ts): the weights are closed over, never inputs
// of a taped op, so a gradient step reads no weight variable and computes no filter gradient. The result is the
// layer's output before its activation. A folded layer (its BN inside its weights) adds its bias inside the conv /
// matmul kernel, one pass over the output instead of two; a layer as the file has it adds its bias after, so its
// forward values are bit for bit those of the layer-by-layer path (the actmax golden hashes pin them).
import * as tf from '@tensorflow/tfjs-core';
import { convWithFlippedGrad, type ConvGeom } from '../onnx/convKernels';
import { flippedKernel } from '../gradients/convInputGrad';
import { heldGradientKernel, releaseGradientKernels } from '../gradients/heldKernels';
import type { LinearConfig } from './tfjsLayerEval';

export interface LinearOp {
  /** The layer's pre-activation output for x. */
  run(x: tf.Tensor): tf.Tensor;
  /** Frees the tensors the op made (the weights it was given when `owned`) and the gradient kernels held for it. */
  dispose(): void;
}

/** [top, left, bottom, right] padding of a Keras 'same'/'valid' conv over an H × W input. */
function kerasPads(config: LinearConfig, kh: number, kw: number, H: number, W: number): [number, number, number, number] {
  if (config.padding === 'valid') return [0, 0, 0, 0];
  const along = (size: number, k: number, s: number, d: number): [number, number] => {
    const total = Math.max(0, (Math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  };
  const [top, bottom] = along(H, kh, config.strides[0], config.dilation[0]);
  const [left, right] = along(W, kw, config.strides[1], config.dilation[1]);
  return [top, left, bottom, right];
}

/** Whether `linearOp` takes a layer with this config: not a conv with strides and dilations both above 1. */
export function linearOpTakes(config: LinearConfig): boolean {
  return config.className === 'Dense' || !(config.strides.some((s) => s > 1) && config.dilation.some((d) => d > 1));
}

/**
 * The op for a layer with this config, kernel (HWIO / [kh, kw, C, M] / [in, out]) and bias; null for a case the
 * conv gradient does not take (strides and dilations both above 1), which keeps the layer-by-layer path.
 * `folded`: kernel and bias are folded weights the op owns (disposed with it; the kernel only when `ownsKernel`,
 * false for a kernel held by the layer's variable) and the bias rides in the kernel; otherwise they belong to the
 * layer and the bias is added after.
 */
export function linearOp(config: LinearConfig, kernel: tf.Tensor, bias: tf.Tensor1D | undefined, folded: boolean, ownsKernel = folded): LinearOp | null {
  if (!linearOpTakes(config)) return null;
  const made: tf.Tensor[] = folded ? [...(ownsKernel ? [kernel] : []), ...(bias ? [bias] : [])] : [];
  const disposeMade = (): void => tf.dispose(made.splice(0));
  const inKernel = folded && bias ? bias : undefined;
  const after = (y: tf.Tensor): tf.Tensor => (bias && !inKernel ? tf.add(y, bias) : y);
  if (config.className === 'Dense') return { run: (x) => after(dense(x, kernel as tf.Tensor2D, inKernel)), dispose: disposeMade };

  const depthwise = config.className === 'DepthwiseConv2D';
  const w = kernel as tf.Tensor4D;
  // Held while gradients run, freed when they stop or the op is disposed (heldKernels.ts): not a second copy of
  // the kernel for the model's life. (With the native kernels 1×1 convs need none: dy · Wᵀ reads the kernel itself.)
  const wFlip = (): tf.Tensor4D =>
    depthwise && w.shape[3] > 1 ? heldGradientKernel(w, 'depthwise-dense', () => depthwiseFlip(w)) : flippedKernel(w, !depthwise);
  const dispose = (): void => {
    releaseGradientKernels(w);
    disposeMade();
  };
  // The explicit padding depends on the input's size, which a model without a fixed size learns at run time.
  const bySize = new Map<string, (x: tf.Tensor4D) => tf.Tensor4D>();
  return {
    run(x) {
      const [, H, W] = x.shape as number[];
      const key = `${H}x${W}`;
      let conv = bySize.get(key);
      if (!conv) {
        const geom: ConvGeom = { strides: config.strides, dilations: config.dilation, pads: kerasPads(config, w.shape[0], w.shape[1], H as number, W as number) };
        // convWithFlippedGrad takes no bias for a depthwise conv (fused.depthwiseConv2d has no explicit padding).
        conv = convWithFlippedGrad(w, wFlip, depthwise, geom, depthwise ? undefined : inKernel);
        bySize.set(key, conv);
      }
      const y = conv(x as tf.Tensor4D);
      return depthwise && inKernel ? tf.add(y, inKernel) : after(y);
    },
    dispose,
  };
}

/**
 * The input-gradient kernel of a depthwise conv [kh, kw, C, M]: spatially flipped when M == 1, else a dense HWIO
 * [kh, kw, C·M, C] taking output channel c·M + m back to input channel c. Built with ops, not a read-back, so it
 * is made on a backend whose synchronous read fails (webgpu in Node).
 */
function depthwiseFlip(w: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, C, M] = w.shape;
  return tf.tidy(() => {
    const flipped = tf.reverse(w, [0, 1]);
    if (M === 1) return flipped as tf.Tensor4D;
    const spread = tf.mul(tf.reshape(flipped, [kh, kw, C, M, 1]), tf.reshape(tf.eye(C), [1, 1, C, 1, C]));
    return tf.reshape(spread, [kh, kw, C * M, C]) as tf.Tensor4D;
  });
}

/** x · W + b over the last axis (Keras applies Dense to the last axis of higher-rank inputs); gradient x only. */
function dense(x: tf.Tensor, w: tf.Tensor2D, bias: tf.Tensor1D | undefined): tf.Tensor {
  const inner = x.shape[x.rank - 1] as number;
  const lead = x.shape.slice(0, -1);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x2 = tf.reshape(args[0] as tf.Tensor, [-1, inner]) as tf.Tensor2D;
    const y = bias ? tf.fused.matMul({ a: x2, b: w, bias }) : tf.matMul(x2, w);
    return {
      value: tf.reshape(y, [...lead, w.shape[1]]),
      gradFunc: (dy: tf.Tensor) => tf.reshape(tf.matMul(tf.reshape(dy, [-1, w.shape[1]]), w, false, true), x.shape),
    };
  });
  return op(x);
}
